import Vapor

/// The one place errors become responses: JSON for `/api`, an HTML page (or a sign-in redirect) for
/// browsers. Keeps the real status; anything unexpected is a 500 and is logged loudly.
struct AppErrorMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            let failure = ErrorDescription(error, request: request)
            if DatabaseOutage.isOutage(error) {
                request.application.databaseOutage.report(error, logger: request.logger)
            } else if failure.status.code >= 500 {
                request.logger.error("\(request.method) \(request.url.path) failed: \(String(reflecting: error))")
            }
            if request.isAPI {
                return request.eventLoop.makeCompletedFuture { try failure.jsonResponse() }
            }
            if failure.status == .unauthorized {
                return request.eventLoop.makeSucceededFuture(request.redirect(to: AppRoute.signIn(next: request.url.string).path))
            }
            return request.eventLoop.makeFutureWithTask { try await failure.htmlResponse(for: request) }
        }
    }
}

extension Request {
    var isAPI: Bool { url.path == "/api" || url.path.hasPrefix("/api/") || url.path == AppRoute.Pattern.metrics.rawValue }
}

/// What the user is told about an error, whichever form it takes.
struct ErrorDescription {
    var status: HTTPResponseStatus
    var code: String
    var message: String
    var field: String?
    var headers: HTTPHeaders = [:]

    init(_ error: any Error, request: Request) {
        switch error {
        case let error as AppError:
            self.init(status: error.status, code: Self.code(for: error.status), message: error.reason, field: error.field, headers: error.headers)
        case let error as DecodingError:
            let field = error.fieldName
            self.init(status: .badRequest, code: "bad_request", message: "\(field): \(error.plainMessage)", field: field)
        case let abort as any AbortError where abort.status == .notFound:
            let allowed = request.application.routeMethods(matching: request.url.path)
            if !allowed.isEmpty && !allowed.contains(request.method) {
                let allow = allowed.map { $0.rawValue }.sorted().joined(separator: ", ")
                self.init(status: .methodNotAllowed, code: "method_not_allowed",
                          message: "\(request.method) is not allowed here; use \(allow)", headers: ["Allow": allow])
            } else {
                let message = abort.reason == "Not Found" ? "No such page or resource" : abort.reason
                self.init(status: .notFound, code: "not_found", message: message)
            }
        case let abort as any AbortError:
            let message = abort.status == .payloadTooLarge ? "The request body is larger than the limit" : abort.reason
            self.init(status: abort.status, code: Self.code(for: abort.status), message: message, headers: abort.headers)
        case let error where DatabaseOutage.isOutage(error):
            self.init(status: .serviceUnavailable, code: "unavailable", message: DatabaseOutage.message, headers: ["Retry-After": "30"])
        default:
            self.init(status: .internalServerError, code: "internal_error", message: "Something went wrong on our side; it has been logged")
        }
    }

    init(status: HTTPResponseStatus, code: String, message: String, field: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    static func code(for status: HTTPResponseStatus) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .conflict: "conflict"
        case .payloadTooLarge: "payload_too_large"
        case .requestTimeout: "request_timeout"
        case .unsupportedMediaType: "unsupported_media_type"
        case .unprocessableEntity: "invalid"
        case .tooManyRequests: "throttled"
        case .serviceUnavailable: "unavailable"
        default: status.code >= 500 ? "internal_error" : "error"
        }
    }

    func jsonResponse() throws -> Response {
        let body = ErrorResponse(error: .init(code: code, message: message, field: field))
        let response = Response(status: status, headers: headers)
        try response.content.encode(body, as: .json)
        return response
    }

    func htmlResponse(for request: Request) async throws -> Response {
        let context = ErrorPageContext(page: .init(request: request, title: status.reasonPhrase), status: Int(status.code), message: message)
        let view = try await request.view.render("error", context)
        let response = try await view.encodeResponse(status: status, for: request)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
