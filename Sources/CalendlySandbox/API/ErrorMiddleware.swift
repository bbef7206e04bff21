import Vapor

/// Answers every error in Calendly's shape, so unknown paths and bad bodies look like
/// Calendly's too. A 500 from here is logged: it means a sandbox bug.
struct CalendlyErrorMiddleware: AsyncMiddleware {
    let logger: Logger

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, logger: logger)
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as CalendlyError:
            return error.response()
        case let abort as any AbortError:
            switch abort.status {
            case .notFound, .methodNotAllowed:
                return CalendlyError.notFound.response()
            case .unauthorized:
                return CalendlyError.unauthenticated.response()
            case .payloadTooLarge, .unsupportedMediaType, .badRequest, .unprocessableEntity:
                return CalendlyError.invalidArgument(nil, abort.reason).response()
            default:
                return CalendlyError(status: abort.status, title: abort.status.reasonPhrase,
                                     message: abort.reason).response()
            }
        default:
            logger.error("calendly sandbox error: \(String(describing: error))")
            return CalendlyError.internalError.response()
        }
    }
}
