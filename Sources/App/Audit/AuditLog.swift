import Fluent
import Foundation
import Vapor

/// Records what happened to the account and the data, and lists it newest first.
struct AuditLog: Sendable {
    let db: any Database
    let writer: DatabaseWriter
    /// Where the request came from (`server` for commands).
    let address: String
    let logger: Logger

    static let pageSize = 25
    static let maxDetailLength = 300
    /// Events older than this are deleted by the hourly sweep, so the log cannot grow without end.
    static let retention: TimeInterval = 400 * 24 * 60 * 60

    /// Records one event. The action it describes has happened already, so a failure to record it
    /// is logged rather than answered: the owner must not see an error for a purge that was done.
    func record(_ event: AuditEvent.Kind, _ outcome: AuditEvent.Outcome = .succeeded, _ detail: String = "", at now: Date = Date()) async {
        let row = AuditEvent(occurredAt: now, event: event, outcome: outcome, address: address,
                             detail: String(detail.prefix(Self.maxDetailLength)))
        do {
            try await writer.transaction(on: db) { db in try await row.create(on: db) }
        } catch {
            logger.error("Recording \(event.rawValue) (\(outcome.rawValue)) in the audit log failed: \(String(reflecting: error))")
        }
    }

    /// Records a throttled sign-in only when the last sign-in event from this address was not
    /// already one within `window`: a client hammering the sign-in page while throttled would
    /// otherwise write a row per attempt and bury the events that matter.
    func recordThrottled(within window: TimeInterval, at now: Date = Date()) async {
        let last = try? await AuditEvent.query(on: db).filter(\.$address == address)
            .filter(\.$event == AuditEvent.Kind.signIn.rawValue)
            .filter(\.$occurredAt > now.addingTimeInterval(-window))
            .sort(\.$occurredAt, .descending).first()
        if last?.outcome == AuditEvent.Outcome.throttled.rawValue { return }
        await record(.signIn, .throttled, "too many failed attempts; more are not recorded until the wait is over", at: now)
    }

    /// Newest first; `page` counts from 1. One row more than a page is read to tell whether an older page exists.
    static func page(_ page: Int, on db: any Database) async throws -> (events: [AuditEvent], hasOlder: Bool) {
        let rows = try await AuditEvent.query(on: db)
            .sort(\.$occurredAt, .descending).sort(\.$id, .descending)
            .range(((page - 1) * pageSize)..<(page * pageSize + 1)).all()
        return (Array(rows.prefix(pageSize)), rows.count > pageSize)
    }

    static func prune(on db: any Database, now: Date = Date()) async throws {
        try await AuditEvent.query(on: db).filter(\.$occurredAt < now.addingTimeInterval(-retention)).delete()
    }
}

extension Request {
    /// The audit log, with this request's client address.
    var audit: AuditLog {
        AuditLog(db: db, writer: application.databaseWriter,
                 address: ClientAddress.address(of: self, trusting: application.appConfig.trustedProxies), logger: logger)
    }
}

extension Application {
    /// The audit log for `crm` commands run on the server.
    var audit: AuditLog { AuditLog(db: db, writer: databaseWriter, address: "server", logger: logger) }
}
