import Fluent
import SQLKit
import Vapor

/// Wraps the database session driver so that sessions cost a write only when they change, and a
/// read only when some session changed since; and ends a session after `SESSION_IDLE_DAYS` of disuse.
///
/// Vapor writes a request's session back after every response, changed or not, and creates a row
/// for any request that touches an empty session (an unknown or stale cookie, say). Here a page
/// view that changed nothing writes nothing, and an empty session is never stored. When a session
/// was last used, from which address and browser, is written at most every 5 minutes, so a busy
/// session costs no write per request and Settings can still list sessions truthfully.
struct QuietSessionDriver: SessionDriver {
    let inner: any SessionDriver
    /// How long a session may go unused before it ends.
    let idleLimit: TimeInterval
    static let lastSeenResolution: TimeInterval = 5 * 60
    /// A browser's name is shown, not its whole story: longer `User-Agent` values are cut.
    static let maxUserAgentBytes = 300

    /// A session row as this driver reads it.
    struct Stored: Sendable, Equatable {
        var data: SessionData
        var lastSeenAt: Date?
    }

    private struct ReadKey: StorageKey { typealias Value = Stored }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        guard !data.snapshot.isEmpty else {
            return request.eventLoop.makeSucceededFuture(SessionID(string: RandomToken.make()))
        }
        return inner.createSession(data, for: request).flatMap { id in
            touch(id, on: request).map { id }
        }
    }

    /// Served from the read cache while no session (nor anything else watched) has changed. An
    /// expired session is deleted and reads as none: the request is signed out.
    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.cached(sessionID.string, in: request.application.readCaches.sessions) {
            load(sessionID, on: request)
        }.flatMap { stored in
            guard let stored else { return request.eventLoop.makeSucceededFuture(nil) }
            if let seen = stored.lastSeenAt, Date().timeIntervalSince(seen) > idleLimit {
                return inner.deleteSession(sessionID, for: request).map { nil }
            }
            request.storage[ReadKey.self] = stored
            return request.eventLoop.makeSucceededFuture(stored.data)
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        let read = request.storage[ReadKey.self]
        if let read, read.data == data {
            guard let seen = read.lastSeenAt, Date().timeIntervalSince(seen) < Self.lastSeenResolution else {
                return touch(sessionID, on: request).map { sessionID }
            }
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        return inner.updateSession(sessionID, to: data, for: request).flatMap { id in
            touch(id, on: request).map { id }
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        inner.deleteSession(sessionID, for: request)
    }

    private func load(_ sessionID: SessionID, on request: Request) -> EventLoopFuture<Stored?> {
        guard let sql = request.db as? any SQLDatabase else { return request.eventLoop.makeSucceededFuture(nil) }
        return sql.select().columns("data", "last_seen_at").from("_fluent_sessions")
            .where("key", .equal, SQLBind(sessionID.string)).limit(1)
            .first().flatMapThrowing { row in
                guard let row else { return nil }
                return Stored(data: try row.decode(column: "data", as: SessionData.self),
                              lastSeenAt: try row.decode(column: "last_seen_at", as: Date?.self))
            }
    }

    private func touch(_ sessionID: SessionID, on request: Request) -> EventLoopFuture<Void> {
        guard let sql = request.db as? any SQLDatabase else { return request.eventLoop.makeSucceededVoidFuture() }
        let address = ClientAddress.address(of: request, trusting: request.application.appConfig.trustedProxies)
        return sql.update("_fluent_sessions").set("last_seen_at", to: SQLBind(Date()))
            .set("user_agent", to: SQLBind(Self.userAgent(of: request)))
            .set("address", to: SQLBind(address))
            .where("key", .equal, SQLBind(sessionID.string)).run()
    }

    /// The `User-Agent` header without control characters, cut to whole characters within the limit.
    static func userAgent(of request: Request) -> String {
        let raw = request.headers.first(name: .userAgent) ?? ""
        var kept = ""
        for character in raw where !character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            guard kept.utf8.count + character.utf8.count <= maxUserAgentBytes else { break }
            kept.append(character)
        }
        return kept
    }
}

/// Deletes the sessions unused for longer than the idle limit, including those nobody came back to.
enum ExpiredSessions {
    static func delete(olderThan idleLimit: TimeInterval, on db: any Database, now: Date = Date()) async throws {
        try await db.sql().delete(from: "_fluent_sessions")
            .where("last_seen_at", .lessThan, SQLBind(now.addingTimeInterval(-idleLimit))).run()
    }
}

extension ExpiredSessions {
    /// While `serve` runs: a sweep at start-up, then one an hour; audit events past their retention go too.
    static func startSweeping(_ app: Application) {
        let idleLimit = TimeInterval(app.appConfig.sessionIdleDays) * 24 * 60 * 60
        let task = Task {
            while !Task.isCancelled {
                do {
                    try await delete(olderThan: idleLimit, on: app.db)
                    try await AuditLog.prune(on: app.db)
                } catch {
                    app.logger.warning("Deleting expired sessions and old audit events failed: \(String(reflecting: error))")
                }
                try? await Task.sleep(for: .seconds(60 * 60))
            }
        }
        app.lifecycle.use(CancelOnShutdown(task: task))
    }
}
