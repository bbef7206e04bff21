import Fluent
import Vapor

/// Signs a request in from `Authorization: Bearer <api token>`, comparing SHA-256 hashes.
struct BearerTokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        let hash = APIToken.hash(bearer.token)
        let version = try await request.dataVersion()
        let cache = request.application.readCaches.accountsByTokenHash
        if let account = cache.value(for: hash, version: version) {
            request.auth.login(account)
        } else {
            guard let token = try await APIToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$account).first() else {
                return
            }
            cache.store(token.account, for: hash, version: version)
            request.auth.login(token.account)
        }
        request.auth.login(BearerSession())
    }
}

/// Marks a request authenticated by token rather than by cookie: such requests need no CSRF token.
struct BearerSession: Authenticatable {}
