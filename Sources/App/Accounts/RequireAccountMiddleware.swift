import Vapor

/// Lets signed-in requests through; the error middleware turns the refusal into a 401 or a sign-in redirect.
/// (With futures: see `SecurityHeadersMiddleware`.)
struct RequireAccountMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.auth.has(Account.self) else {
            return request.eventLoop.makeFailedFuture(AppError.unauthorized("Sign in, or send an API token as Authorization: Bearer"))
        }
        return next.respond(to: request)
    }
}
