import Fluent
import Vapor

/// Signs a request in from `Authorization: Bearer <api token>`, comparing SHA-256 hashes.
///
/// Written with futures rather than async: it runs before every API call, and a known token (the
/// common case) needs only the data version read, which then costs no task or thread hop.
struct BearerTokenAuthenticator: BearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) -> EventLoopFuture<Void> {
        let hash = APIToken.hash(bearer.token)
        let cache = request.application.readCaches.accountsByTokenHash
        return request.dataVersionFuture().flatMap { version in
            if let account = cache.value(for: hash, version: version) {
                Self.signIn(account, request)
                return request.eventLoop.makeSucceededVoidFuture()
            }
            return APIToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$account).first().map { token in
                guard let token else { return }
                cache.store(token.account, for: hash, version: version)
                Self.signIn(token.account, request)
            }
        }
    }

    private static func signIn(_ account: Account, _ request: Request) {
        request.auth.login(account)
        request.auth.login(BearerSession())
    }
}

/// Marks a request authenticated by token rather than by cookie: such requests need no CSRF token.
struct BearerSession: Authenticatable {}
