import Fluent
import Foundation
import Vapor

/// Records bookings by asking Calendly: one invitee (the popup's `event_scheduled`), or a reconcile of
/// the whole window (SPEC 4.4). Both go through `InviteeApplier`, as webhooks do.
struct CalendlySync {
    let client: CalendlyClient
    let db: any Database
    let writer: DatabaseWriter
    let topicQuestion: String?

    struct Counts: Content, Equatable {
        var created = 0
        var updated = 0
        var unchanged = 0
        var failed = 0

        /// `3 created, 1 updated, 40 unchanged, 0 failed`
        var summary: String { "\(created) created, \(updated) updated, \(unchanged) unchanged, \(failed) failed" }

        mutating func add(_ outcome: InviteeApplier.Outcome) {
            switch outcome {
            case .created: created += 1
            case .updated: updated += 1
            case .unchanged: unchanged += 1
            }
        }
    }

    /// Whether `uri` is a Calendly invitee URI (`.../scheduled_events/{uuid}/invitees/{uuid}`).
    static func isInviteeURI(_ uri: String) -> Bool {
        guard let url = URL(string: uri), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else { return false }
        let parts = url.path.split(separator: "/")
        return parts.count == 4 && parts[0] == "scheduled_events" && parts[2] == "invitees" && !parts[1].isEmpty && !parts[3].isEmpty
    }

    /// Fetches one invitee and its event, and applies it.
    func record(inviteeURI: String, now: Date = Date()) async throws -> (InviteeApplier.Outcome, Consultation) {
        let invitee = try await client.invitee(inviteeURI)
        let event = try await client.scheduledEvent(invitee.event ?? String(inviteeURI.prefix(upTo: inviteeURI.range(of: "/invitees/")?.lowerBound ?? inviteeURI.endIndex)))
        let snapshot = InviteeSnapshot(source: .api, invitee: invitee, event: event, observedAt: now)
        return try await apply(snapshot)
    }

    /// Lists scheduled events from 30 days ago to 180 days ahead (both statuses), and applies each invitee.
    func reconcile(scope: CalendlyScope, from: Date, to: Date, now: Date = Date(),
                   progress: @Sendable (String) -> Void = { _ in }) async throws -> Counts {
        let events = try await client.scheduledEvents(scope, from: from, to: to) { count in progress("listed \(count) events") }
        var counts = Counts()
        for (index, event) in events.enumerated() {
            let invitees = try await client.invitees(of: event.uri)
            for invitee in invitees {
                do {
                    counts.add(try await apply(InviteeSnapshot(source: .api, invitee: invitee, event: event, observedAt: now)).0)
                } catch let error as CalendlyError {
                    throw error
                } catch {
                    counts.failed += 1
                }
            }
            if (index + 1) % 25 == 0 || index + 1 == events.count {
                progress("applied \(index + 1)/\(events.count) events: \(counts.created) created, \(counts.updated) updated, \(counts.unchanged) unchanged, \(counts.failed) failed")
            }
        }
        return counts
    }

    /// Longest wait for Calendly's rate limit to reset: the periodic sync and the command can wait
    /// out a minute; a request someone is waiting on answers 429 with Retry-After instead.
    static let backgroundRateLimitWait = 60
    static let requestRateLimitWait = 5

    static func window(now: Date = Date()) -> (from: Date, to: Date) {
        (now.addingTimeInterval(-30 * 86_400), now.addingTimeInterval(180 * 86_400))
    }

    /// Records an invitee already read (a booking's answer) with its event.
    func record(_ invitee: CalendlyInvitee, event: CalendlyScheduledEvent, now: Date = Date()) async throws -> (InviteeApplier.Outcome, Consultation) {
        try await apply(InviteeSnapshot(source: .api, invitee: invitee, event: event, observedAt: now))
    }

    private func apply(_ snapshot: InviteeSnapshot) async throws -> (InviteeApplier.Outcome, Consultation) {
        let topicQuestion = self.topicQuestion
        return try await writer.transaction(on: db) { db in
            let bookings = try await BookingBatch.prefetching([snapshot], on: try db.sql())
            let outcome = try await bookings.applying {
                try await InviteeApplier(bookings: bookings, topicQuestion: topicQuestion).apply(snapshot)
            }
            guard let consultation = try await Consultation.query(on: db).filter(\.$calendlyInviteeURI == snapshot.invitee.uri)
                .with(\.$student).first() else {
                throw AppError.notFound("Consultation")
            }
            return (outcome, consultation)
        }
    }
}

extension Application {
    /// Reconciles a window (by default 30 days back to 180 ahead) with the configured account,
    /// asked afresh, and records when it last did.
    func reconcileWithCalendly(from: Date? = nil, to: Date? = nil, rateLimitWait: Int = CalendlySync.backgroundRateLimitWait,
                               progress: @Sendable (String) -> Void = { _ in }) async throws -> CalendlySync.Counts {
        do {
            let counts = try await reconcileOnce(from: from, to: to, rateLimitWait: rateLimitWait, progress: progress)
            metrics.reconcile(succeeded: true)
            return counts
        } catch {
            metrics.reconcile(succeeded: false)
            throw error
        }
    }

    private func reconcileOnce(from: Date?, to: Date?, rateLimitWait: Int,
                               progress: @Sendable (String) -> Void) async throws -> CalendlySync.Counts {
        let account = try await calendly.account(appConfig, fresh: true).get()
        // The owner's changes first, so what is read back already has them.
        _ = await noShowSender.retryPending()
        let window = CalendlySync.window()
        let counts = try await calendlySync(rateLimitWait: rateLimitWait).reconcile(scope: account.scope, from: from ?? window.from, to: to ?? window.to, progress: progress)
        let store = CalendlyConnectionStore(db: db, sandbox: appConfig.sandboxMode)
        let connection = try await store.loadOrNew()
        connection.lastSyncAt = Date()
        connection.userURI = account.user.uri
        try await databaseWriter.transaction(on: db) { db in try await connection.save(on: db) }
        return counts
    }

    /// A sync with the configured Calendly account; throws `CalendlyError.notConfigured` without a key.
    func calendlySync(rateLimitWait: Int = CalendlySync.backgroundRateLimitWait) throws -> CalendlySync {
        var client = try calendly.client(appConfig.calendly)
        client.maxRateLimitWait = rateLimitWait
        return CalendlySync(client: client, db: db, writer: databaseWriter, topicQuestion: appConfig.calendly.topicQuestion)
    }
}
