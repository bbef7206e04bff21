import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// The owner's signed-in sessions as Settings lists them, and ending them. A session is named on the
/// page by a hash of its key, never by the key, which is the cookie that signs it in.
struct SignedInSessions {
    let db: any Database
    let writer: DatabaseWriter

    struct Entry: Equatable {
        var handle: String
        var userAgent: String
        var address: String
        var lastSeenAt: Date?
        var isCurrent: Bool
    }

    /// Signed-in sessions, most recently used first. Sessions that only hold a form token (a sign-in
    /// page left open) are not listed: they sign nobody in.
    func list(current: SessionID?) async throws -> [Entry] {
        let rows = try await db.sql().select()
            .columns("key", "data", "last_seen_at", "user_agent", "address")
            .from("_fluent_sessions").all()
        var entries: [Entry] = []
        for row in rows {
            let key = try row.decode(column: "key", as: String.self)
            guard let data = try? row.decode(column: "data", as: SessionData.self),
                  data[SessionAccountAuthenticator.sessionKey] != nil else { continue }
            entries.append(Entry(handle: Self.handle(key),
                                 userAgent: try row.decode(column: "user_agent", as: String?.self) ?? "",
                                 address: try row.decode(column: "address", as: String?.self) ?? "unknown",
                                 lastSeenAt: try row.decode(column: "last_seen_at", as: Date?.self),
                                 isCurrent: key == current?.string))
        }
        return entries.sorted { ($0.isCurrent ? 1 : 0, $0.lastSeenAt ?? .distantPast) > ($1.isCurrent ? 1 : 0, $1.lastSeenAt ?? .distantPast) }
    }

    /// Ends every session but `current`, in one statement (a session opened meanwhile ends too);
    /// returns how many of the ended ones were signed in.
    func endAll(except current: SessionID?) async throws -> Int {
        let ended = try await writer.transaction(on: db) { db in
            try await db.sql().raw("""
                DELETE FROM _fluent_sessions WHERE key <> \(bind: current?.string ?? "") RETURNING data
                """).all().compactMap { try? $0.decode(column: "data", as: SessionData.self) }
        }
        return ended.filter { $0[SessionAccountAuthenticator.sessionKey] != nil }.count
    }

    /// Ends the session with this handle, unless it is `current` (sign-out does that); false if none has it.
    func end(handle: String, keeping current: SessionID?) async throws -> Bool {
        guard let key = try await keys().first(where: { Self.handle($0) == handle && $0 != current?.string }) else { return false }
        try await delete([key])
        return true
    }

    private func keys() async throws -> [String] {
        try await db.sql().select().column("key").from("_fluent_sessions").all()
            .map { try $0.decode(column: "key", as: String.self) }
    }

    private func delete(_ keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await writer.transaction(on: db) { db in
            for chunk in keys.chunked(100) {
                try await db.sql().delete(from: "_fluent_sessions").where(SQLIdentifier("key"), .in, SQLBind.group(chunk)).run()
            }
        }
    }

    static func handle(_ key: String) -> String {
        String(SHA256.hash(data: Data(key.utf8)).hex.prefix(32))
    }
}

extension Request {
    var signedInSessions: SignedInSessions { SignedInSessions(db: db, writer: application.databaseWriter) }
}
