import Vapor

/// An error answered in Calendly's shape: `{"title", "message", "details"?}` with Calendly's
/// titles and messages (REFERENCE.md §1.2; openapi.yaml `components.responses`).
struct CalendlyError: Error, Sendable {
    struct Detail: Sendable {
        var parameter: String?
        var message: String
    }

    var status: HTTPResponseStatus
    var title: String
    var message: String
    var details: [Detail] = []
    var headers: HTTPHeaders = [:]

    var body: JSON {
        var pairs: [(String, JSON)] = [("title", .string(title)), ("message", .string(message))]
        if !details.isEmpty {
            pairs.append(("details", .array(details.map { detail in
                var item: [(String, JSON)] = []
                if let parameter = detail.parameter { item.append(("parameter", .string(parameter))) }
                item.append(("message", .string(detail.message)))
                return .object(item)
            })))
        }
        return .object(pairs)
    }

    static func invalidArgument(_ parameter: String?, _ message: String) -> CalendlyError {
        CalendlyError(status: .badRequest, title: "Invalid Argument",
                      message: "The supplied parameters are invalid.",
                      details: [Detail(parameter: parameter, message: message)])
    }

    static let unauthenticated = CalendlyError(
        status: .unauthorized, title: "Unauthenticated", message: "The access token is invalid")

    static func permissionDenied(
        _ message: String = "You do not have permission to access this resource."
    ) -> CalendlyError {
        CalendlyError(status: .forbidden, title: "Permission Denied", message: message)
    }

    static let notFound = CalendlyError(
        status: .notFound, title: "Resource Not Found",
        message: "The server could not find the requested resource.")

    static func alreadyExists(_ message: String) -> CalendlyError {
        CalendlyError(status: .conflict, title: "Already Exists", message: message)
    }

    static let internalError = CalendlyError(
        status: .internalServerError, title: "Internal Server Error",
        message: "The server encountered an unexpected condition that prevented it from fulfilling the request.")

    static func tooManyRequests(resetSeconds: Int) -> CalendlyError {
        CalendlyError(status: .tooManyRequests, title: "Too Many Requests",
                      message: "You have exceeded the rate limit. Please try again in \(resetSeconds) seconds.")
    }

    func response() -> Response {
        var headers = self.headers
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(string: body.serialized()))
    }
}

extension JSON {
    /// A JSON response with the given status.
    func response(_ status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(string: serialized()))
    }
}
