import Vapor

/// Failures with intent: each maps to a status and a stable machine-readable code.
enum AppError: Error, Sendable {
    /// Input that could not be read: wrong type, not JSON, not a UUID. Names the field.
    case badRequest(field: String, message: String)
    /// Well-formed input that breaks a rule. Names the field.
    case invalid(field: String, message: String)
    /// Several fields break rules at once: the first is named for the API, a form shows them all.
    case invalidFields(first: String, message: String, all: [String: String])
    case notFound(String)
    /// A reference in the input to something that does not exist. Names the field.
    case notFoundField(field: String, message: String)
    /// A clash with what is stored, e.g. an email another student has.
    case conflict(String, field: String? = nil)
    case unauthorized(String)
    case forbidden(String)
    case throttled(retryAfter: Int, message: String? = nil)
    case unavailable(String)
    /// A body over the route's limit.
    case tooLarge(limit: ByteCount)
    /// A body that did not finish arriving in time (answered 408; a client that then goes quiet is
    /// closed by the server's idle timeout).
    case bodyTimedOut
}

extension AppError: AbortError {
    var status: HTTPResponseStatus {
        switch self {
        case .badRequest: .badRequest
        case .invalid, .invalidFields: .unprocessableEntity
        case .notFound, .notFoundField: .notFound
        case .conflict: .conflict
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .throttled: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .tooLarge: .payloadTooLarge
        case .bodyTimedOut: .requestTimeout
        }
    }

    var reason: String {
        switch self {
        case .badRequest(let field, let message), .invalid(let field, let message), .notFoundField(let field, let message),
             .invalidFields(let field, let message, _): "\(field): \(message)"
        case .notFound(let what): "\(what) not found"
        case .conflict(let message, let field): field.map { "\($0): \(message)" } ?? message
        case .unauthorized(let message), .forbidden(let message), .unavailable(let message): message
        case .throttled(let seconds, let message): message ?? "Too many requests; try again in \(seconds) seconds"
        case .tooLarge(let limit):
            "Not saved: the request is larger than the \(limit.readable) this page accepts; shorten the text and try again"
        case .bodyTimedOut: "The request took too long to arrive; try again"
        }
    }

    var headers: HTTPHeaders {
        switch self {
        case .throttled(let seconds, _): ["Retry-After": "\(seconds)"]
        // Asks the client to go away; the server still drains what it sends, until it goes quiet.
        case .bodyTimedOut: ["Connection": "close"]
        default: [:]
        }
    }

    /// The field a form should show the message beside, if any.
    var field: String? {
        switch self {
        case .badRequest(let field, _), .invalid(let field, _), .notFoundField(let field, _), .invalidFields(let field, _, _): field
        case .conflict(_, let field): field
        default: nil
        }
    }

    var fieldMessage: String? {
        switch self {
        case .badRequest(_, let message), .invalid(_, let message), .notFoundField(_, let message), .invalidFields(_, let message, _): message
        case .conflict(let message, _): message
        default: nil
        }
    }
}

extension ByteCount {
    /// "3 MB", "64 KB": how a limit is named to the owner.
    var readable: String {
        value >= 1 << 20 ? "\(value >> 20) MB" : "\(value >> 10) KB"
    }
}
