import Vapor

/// Lets signed-in requests through; the error middleware turns the refusal into a 401 or a sign-in redirect.
struct RequireAccountMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(Account.self) else {
            throw AppError.unauthorized("Sign in, or send an API token as Authorization: Bearer")
        }
        return try await next.respond(to: request)
    }
}
