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
        try await renewSession()
        PendingSignIn.clear(session)
        session.data[SessionAccountAuthenticator.sessionKey] = try account.requireID().uuidString
        auth.login(account)
    }

    /// Moves the session to a new id, and drops its CSRF token: an id or token planted or seen
    /// before a sign-in step must be worthless after it.
    func renewSession() async throws {
        if hasSession, let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
            session.id = nil
        }
        session.data[CSRFToken.sessionKey] = nil
    }
}
