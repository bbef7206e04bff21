import Fluent
import NIOConcurrencyHelpers
import Vapor

/// Signs a request in from `Authorization: Bearer <api token>`, comparing SHA-256 hashes.
///
/// Written with futures rather than async: it runs before every API call, and a known token (the
/// common case) needs only the data version read, which then costs no task or thread hop.
struct BearerTokenAuthenticator: BearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) -> EventLoopFuture<Void> {
        let hash = APIToken.hash(bearer.token)
        return request.cached(hash, in: request.application.readCaches.tokensByHash) {
            APIToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$account).first()
        }.flatMap { token in
            guard let token, let id = token.id else { return request.eventLoop.makeSucceededVoidFuture() }
            request.auth.login(token.account)
            request.auth.login(BearerSession())
            guard request.application.tokenUse.claim(id, lastUsedAt: token.lastUsedAt) else {
                return request.eventLoop.makeSucceededVoidFuture()
            }
            return TokenUse.record(id, on: request)
        }
    }
}

/// Marks a request authenticated by token rather than by cookie: such requests need no CSRF token.
struct BearerSession: Authenticatable {}

/// When each token was last used, written at most every 5 minutes per token and process, so a
/// script's thousand requests cost one write, and Settings can still tell a forgotten token from a live one.
final class TokenUse: Sendable {
    static let resolution: TimeInterval = 5 * 60
    private let written = NIOLockedValueBox<[UUID: Date]>([:])

    /// Whether this request should write the token's last use: it is older than the resolution, and
    /// no other request of this process has just claimed the write.
    func claim(_ id: UUID, lastUsedAt: Date?, now: Date = Date()) -> Bool {
        if let lastUsedAt, now.timeIntervalSince(lastUsedAt) < Self.resolution { return false }
        return written.withLockedValue { written in
            if let recent = written[id], now.timeIntervalSince(recent) < Self.resolution { return false }
            written[id] = now
            return true
        }
    }

    /// A failed write is logged, not answered: the request itself is fine.
    static func record(_ id: UUID, on request: Request) -> EventLoopFuture<Void> {
        let (db, writer) = (request.db, request.application.databaseWriter)
        return request.eventLoop.makeFutureWithTask {
            do {
                try await writer.transaction(on: db) { db in
                    try await APIToken.query(on: db).filter(\.$id == id).set(\.$lastUsedAt, to: Date()).update()
                }
            } catch where DatabaseOutage.isOutage(error) {
                request.application.databaseOutage.report(error, logger: request.logger)
            } catch {
                request.logger.warning("Recording an API token's last use failed: \(String(reflecting: error))")
            }
        }
    }
}

extension Application {
    private struct TokenUseKey: StorageKey { typealias Value = TokenUse }

    /// Made in `configure`, before any request reads it.
    var tokenUse: TokenUse {
        if let existing = storage[TokenUseKey.self] { return existing }
        let use = TokenUse()
        storage[TokenUseKey.self] = use
        return use
    }
}
