import Vapor

/// An error answered in Calendly's shape: `{"title", "message", "details"?}` with Calendly's
/// titles and messages (REFERENCE.md §1.2; openapi.yaml `components.responses`).
struct CalendlyError: Error, Sendable {
    /// One problem with one parameter. `code` is machine-readable; Calendly's list of codes is
    /// not published, but a public client reports `already_filled` for a time that is not open.
    struct Detail: Sendable {
        var parameter: String?
        var message: String
        var code: String? = nil
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
                if let code = detail.code { item.append(("code", .string(code))) }
                return .object(item)
            })))
        }
        return .object(pairs)
    }

    static func invalidArgument(_ parameter: String?, _ message: String, code: String? = nil) -> CalendlyError {
        invalidArguments([Detail(parameter: parameter, message: message, code: code)])
    }

    static func invalidArguments(_ details: [Detail]) -> CalendlyError {
        CalendlyError(status: .badRequest, title: "Invalid Argument",
                      message: "The supplied parameters are invalid.", details: details)
    }

    /// A start time that is past, taken or off the open grid (REFERENCE-2026.md: `already_filled`).
    static func timeNotOpen(_ message: String = "This time is not available.") -> CalendlyError {
        invalidArgument("start_time", message, code: "already_filled")
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

    /// A single-use scheduling link that has booked its one meeting. Answered as a page, never as
    /// API JSON; the status is what the page carries.
    static let linkAlreadyUsed = CalendlyError(
        status: .gone, title: "Link Used", message: "This link has already been used.")

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
