import Fluent
import Vapor

/// Signs a request in from its session cookie. Unlike Vapor's session authenticator it never writes
/// the session back on its own: only sign-in stores the account, so API-token requests leave no sessions.
struct SessionAccountAuthenticator: Middleware {
    static let sessionKey = "account_id"

    /// Waits on nothing when the account is cached (futures: see `SecurityHeadersMiddleware`).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard !request.auth.has(Account.self), request.hasSession,
              let raw = request.session.data[Self.sessionKey], let id = UUID(uuidString: raw) else {
            return next.respond(to: request)
        }
        return request.cached(id, in: request.application.readCaches.accountsByID) {
            Account.find(id, on: request.db)
        }.flatMap { account in
            if let account { request.auth.login(account) }
            return next.respond(to: request)
        }
    }
}

extension Request {
    /// Stores the account in a fresh session: an id planted before sign-in is worthless after it.
    func signIn(_ account: Account) async throws {
        if hasSession, let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
            session.id = nil
        }
        // A new CSRF token too: one seen before sign-in must not be valid after it.
        session.data[CSRFToken.sessionKey] = nil
        PendingSignIn.clear(session)
        session.data[SessionAccountAuthenticator.sessionKey] = try account.requireID().uuidString
        auth.login(account)
    }
}
