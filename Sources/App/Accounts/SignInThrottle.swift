import Fluent
import Foundation
import SQLKit

/// Slows password guessing: after `limit` failures from one client within `window`, further
/// attempts are refused until the oldest failure ages out.
///
/// An attempt is counted before its password is checked, in one serialised transaction, so a burst
/// of simultaneous attempts cannot all pass the check while none is counted yet. The count lives in
/// the database, so it holds across app instances.
struct SignInThrottle: Sendable {
    var limit = 5
    var window: TimeInterval = 15 * 60

    /// "Try again in N minutes." for a wait in seconds, rounded up to whole minutes.
    static func tryAgain(after seconds: Int) -> String {
        let minutes = (seconds + 59) / 60
        return "Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }

    enum Reservation: Equatable {
        /// The attempt may go ahead; it stays counted as a failure unless `succeeded` clears it.
        case allowed
        case throttled(retryAfter: Int)
    }

    func reserve(_ clientKey: String, writer: DatabaseWriter, on db: any Database, now: Date = Date()) async throws -> Reservation {
        let (limit, window) = (limit, window)
        return try await writer.transaction(on: db) { db in
            try await Self.serialise(clientKey, on: db)
            try await SignInFailure.query(on: db).filter(\.$failedAt <= now.addingTimeInterval(-window)).delete()
            let recent = try await SignInFailure.query(on: db).filter(\.$clientKey == clientKey)
                .sort(\.$failedAt).limit(limit).all()
            if recent.count >= limit, let oldest = recent.first {
                return .throttled(retryAfter: max(1, Int(oldest.failedAt.addingTimeInterval(window).timeIntervalSince(now).rounded(.up))))
            }
            try await SignInFailure(clientKey: clientKey, failedAt: now).create(on: db)
            return .allowed
        }
    }

    /// A correct password forgets the client's failures, including the attempt just reserved.
    func succeeded(_ clientKey: String, writer: DatabaseWriter, on db: any Database) async throws {
        try await writer.transaction(on: db) { db in
            try await SignInFailure.query(on: db).filter(\.$clientKey == clientKey).delete()
        }
    }

    /// On SQLite the writer's `BEGIN IMMEDIATE` already serialises every writer, in every process.
    /// PostgreSQL lets two transactions count at once, so each takes a lock on the client's key.
    private static func serialise(_ clientKey: String, on db: any Database) async throws {
        let sql = try db.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "sign-in:" + clientKey)))").run()
    }
}
