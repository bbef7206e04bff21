import AsyncKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The database out of reach (PostgreSQL stopped or unreachable, a SQLite file that cannot be
/// written): requests answer 503 with a plain message instead of 500, Calendly retries its
/// webhooks, and the log says so once per outage rather than once per request.
final class DatabaseOutage: Sendable {
    /// Errors this close together belong to one outage; a longer quiet starts a new one.
    static let quietToEnd: TimeInterval = 30
    static let message = "The database cannot be reached right now, so nothing was read or changed. Try again in a minute."
    private let lastSeen = NIOLockedValueBox<Date?>(nil)

    /// Whether `error` means the database cannot be used at all (rather than a query that failed).
    static func isOutage(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed].contains(error.code) {
                return true
            }
            // 08: connection exceptions; 57P: the server shutting down or starting up.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        case is ConnectionPoolTimeoutError, is ConnectionPoolError, is Deadline.Exceeded:
            return true
        case let error as SQLiteReadError:
            return error.meansOutage
        case let error as SQLiteError:
            switch error.reason {
            case .readOnly, .readonlyDirectory, .readonlyCantLock, .readonlyInRecovery, .readonlyInRollback, .readonlyBackingMoved,
                 .cantOpen, .cantOpenDirectory, .ioError, .ioErrorFailedWrite, .ioErrorFailedSync, .full, .permission, .busy, .locked:
                return true
            default:
                return false
            }
        default:
            return false
        }
    }

    /// Notes an outage error; logs only the first of an outage.
    func report(_ error: any Error, logger: Logger, now: Date = Date()) {
        let first = lastSeen.withLockedValue { last in
            defer { last = now }
            guard let previous = last else { return true }
            return now.timeIntervalSince(previous) > Self.quietToEnd
        }
        if first {
            logger.error("The database cannot be reached; pages, the API and webhooks answer 503 until it is back (said once per outage): \(String(reflecting: error))")
        }
    }
}

extension Application {
    private struct DatabaseOutageKey: StorageKey { typealias Value = DatabaseOutage }

    /// Made in `configure`, before any request reads it.
    var databaseOutage: DatabaseOutage {
        get { storage[DatabaseOutageKey.self] ?? DatabaseOutage() }
        set { storage[DatabaseOutageKey.self] = newValue }
    }
}
