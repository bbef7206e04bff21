import Fluent
import Vapor

/// Signs a request in from `Authorization: Bearer <api token>`, comparing SHA-256 hashes.
///
/// Written with futures rather than async: it runs before every API call, and a known token (the
/// common case) needs only the data version read, which then costs no task or thread hop.
struct BearerTokenAuthenticator: BearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) -> EventLoopFuture<Void> {
        let hash = APIToken.hash(bearer.token)
        return request.cached(hash, in: request.application.readCaches.accountsByTokenHash) {
            APIToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$account).first().map { $0?.account }
        }.map { account in
            guard let account else { return }
            request.auth.login(account)
            request.auth.login(BearerSession())
        }
    }
}

/// Marks a request authenticated by token rather than by cookie: such requests need no CSRF token.
struct BearerSession: Authenticatable {}
