import Fluent
import Foundation
import SQLKit
import Vapor

/// The webhook inbox: deliveries are stored byte for byte first, then processed. A stored delivery
/// that cannot be applied is `failed` with its error and can be replayed.
struct WebhookInbox {
    let db: any Database
    let writer: DatabaseWriter
    let committer: DeliveryCommitter
    let topicQuestion: String?

    /// Stores a delivery whose signature verified. Only after this returns may the sender get a 2xx.
    func store(body: Data, receivedAt: Date = Date()) async throws -> WebhookDelivery {
        let head = WebhookEnvelopeHead(body: body)
        let delivery = WebhookDelivery(receivedAt: receivedAt, event: head.event ?? "(unreadable)",
                                       inviteeURI: head.inviteeURI, envelopeCreatedAt: head.createdAt, body: body)
        try await writer.transaction(on: db) { db in try await delivery.create(on: db) }
        return delivery
    }

    /// Stores a delivery whose signature verified and applies it, in a transaction that commits
    /// before the sender gets its 2xx. Deliveries arriving together share that transaction
    /// (`DeliveryCommitter`), each in its own savepoint.
    func receive(body: Data, receivedAt: Date = Date()) async throws -> WebhookDeliveryState {
        let head = WebhookEnvelopeHead(body: body)
        let delivery = WebhookDelivery(receivedAt: receivedAt, event: head.event ?? "(unreadable)",
                                       inviteeURI: head.inviteeURI, envelopeCreatedAt: head.createdAt, body: body)
        // Reading the body needs no lock; only applying it does.
        return try await committer.submit(ReceivedDelivery(delivery: delivery, reading: Self.read(delivery)))
    }

    /// A verified delivery with its body read, waiting for its turn in a transaction.
    struct ReceivedDelivery: Sendable {
        let delivery: WebhookDelivery
        fileprivate let reading: Reading
    }

    /// Stores one received delivery and applies it, inside the shared transaction. If applying
    /// fails, only the application is rolled back (to the savepoint): the delivery is still stored,
    /// as `failed` with the error, for replay. If storing fails, the delivery leaves no trace and
    /// the failure is returned, so its sender gets a 503 and delivers it again.
    static func record(_ received: ReceivedDelivery, on db: any Database, topicQuestion: String?) async -> Result<WebhookDeliveryState, any Error> {
        let delivery = received.delivery
        do {
            let sql = try db.sql()
            try await sql.raw("SAVEPOINT delivery").run()
            var outcome: (WebhookDeliveryState, String?)
            do {
                outcome = try await Self.outcome(of: received.reading, delivery: delivery, on: db, topicQuestion: topicQuestion)
            } catch {
                try await sql.raw("ROLLBACK TO SAVEPOINT delivery").run()
                outcome = (.failed, "could not be applied: \(String(describing: error))")
            }
            delivery.state = outcome.0
            delivery.error = outcome.1.map { String($0.prefix(2000)) }
            delivery.processedAt = Date()
            do {
                try await Self.insert(delivery, on: db)
                try await sql.raw("RELEASE SAVEPOINT delivery").run()
            } catch {
                try? await sql.raw("ROLLBACK TO SAVEPOINT delivery").run()
                try? await sql.raw("RELEASE SAVEPOINT delivery").run()
                throw error
            }
            return .success(outcome.0)
        } catch {
            return .failure(error)
        }
    }

    /// Applies a stored delivery (a replay, or one left `pending`) and records what came of it.
    @discardableResult
    func process(_ delivery: WebhookDelivery, now: Date = Date()) async throws -> WebhookDeliveryState {
        // Reading the body needs no lock; only applying it does.
        let reading = Self.read(delivery)
        let topicQuestion = self.topicQuestion
        return try await writer.transaction(on: db) { db in
            let (state, error) = try await Self.outcome(of: reading, delivery: delivery, on: db, topicQuestion: topicQuestion)
            delivery.state = state
            delivery.error = error.map { String($0.prefix(2000)) }
            delivery.processedAt = now
            try await delivery.save(on: db)
            return state
        }
    }

    /// What a delivery's body says: an invitee change to apply, or a verdict already.
    fileprivate enum Reading: Sendable {
        case apply(InviteeSnapshot)
        case verdict(WebhookDeliveryState, String?)
    }

    private static func read(_ delivery: WebhookDelivery) -> Reading {
        guard let event = InviteeEvent(rawValue: delivery.event) else {
            return delivery.event == "(unreadable)"
                ? .verdict(.failed, "the body is not a JSON object with an \"event\"") : .verdict(.ignored, nil)
        }
        let envelope: WebhookEnvelope
        do {
            envelope = try CalendlyJSON.decoder().decode(WebhookEnvelope.self, from: delivery.body)
        } catch let error as DecodingError {
            return .verdict(.failed, "\(error.fieldName): \(error.plainMessage)")
        } catch {
            return .verdict(.failed, "the body is not JSON")
        }
        guard let scheduledEvent = envelope.payload.scheduledEvent else {
            return .verdict(.failed, "payload.scheduled_event: is required")
        }
        return .apply(InviteeSnapshot(source: .webhook(event), invitee: envelope.payload, event: scheduledEvent, observedAt: envelope.createdAt))
    }

    private static func outcome(of reading: Reading, delivery: WebhookDelivery, on db: any Database,
                                topicQuestion: String?) async throws -> (WebhookDeliveryState, String?) {
        switch reading {
        case .verdict(let state, let error):
            return (state, error)
        case .apply(let snapshot):
            if try await isDuplicate(delivery, on: db) { return (.duplicate, nil) }
            do {
                _ = try await InviteeApplier(db: db, topicQuestion: topicQuestion).apply(snapshot)
                return (.processed, nil)
            } catch let error as AppError {
                return (.failed, error.reason)
            }
        }
    }

    /// Another delivery with the same (event, payload.uri, envelope created_at) was already applied.
    private static func isDuplicate(_ delivery: WebhookDelivery, on db: any Database) async throws -> Bool {
        let query = try db.sql().select().column(SQLLiteral.numeric("1")).from(WebhookDelivery.schema)
            .where("event", .equal, SQLBind(delivery.event))
            .where("state", .equal, SQLBind(WebhookDeliveryState.processed.rawValue))
        if let uri = delivery.inviteeURI { query.where("invitee_uri", .equal, SQLBind(uri)) } else { query.where("invitee_uri", .is, SQLLiteral.null) }
        if let created = delivery.envelopeCreatedAt {
            query.where("envelope_created_at", .equal, SQLBind(created))
        } else {
            query.where("envelope_created_at", .is, SQLLiteral.null)
        }
        if let id = delivery.id { query.where("id", .notEqual, SQLBind(id)) }
        return try await query.limit(1).first() != nil
    }

    /// Inserts a new delivery with plain SQL: this runs for every delivery received.
    private static func insert(_ delivery: WebhookDelivery, on db: any Database) async throws {
        let id = delivery.id ?? UUID()
        try await db.sql().insert(into: WebhookDelivery.schema)
            .columns("id", "received_at", "event", "invitee_uri", "envelope_created_at", "body", "state", "error", "processed_at")
            .values(SQLBind(id), SQLBind(delivery.receivedAt), SQLBind(delivery.event), SQLBind(delivery.inviteeURI),
                    SQLBind(delivery.envelopeCreatedAt), SQLBind(delivery.body), SQLBind(delivery.state.rawValue),
                    SQLBind(delivery.error), SQLBind(delivery.processedAt))
            .run()
        delivery.id = id
    }
}

/// The group commit that received deliveries share.
typealias DeliveryCommitter = GroupCommitter<WebhookInbox.ReceivedDelivery, WebhookDeliveryState>

extension Request {
    var webhookInbox: WebhookInbox {
        application.webhookInbox
    }
}

extension Application {
    var webhookInbox: WebhookInbox {
        WebhookInbox(db: db, writer: databaseWriter, committer: deliveryCommitter, topicQuestion: appConfig.calendly.topicQuestion)
    }

    private struct DeliveryCommitterKey: StorageKey { typealias Value = DeliveryCommitter }

    /// Set up by `configure` once the database is.
    var deliveryCommitter: DeliveryCommitter {
        get {
            guard let committer = storage[DeliveryCommitterKey.self] else { fatalError("configure(_:) sets up the delivery committer") }
            return committer
        }
        set { storage[DeliveryCommitterKey.self] = newValue }
    }

    /// Deliveries go to the app's database, not a request's: a batch outlives the request that started it.
    func makeDeliveryCommitter() -> DeliveryCommitter {
        let databases = self.databases, logger = self.logger, eventLoops = self.eventLoopGroup
        let topicQuestion = appConfig.calendly.topicQuestion
        return DeliveryCommitter(writer: databaseWriter, eventLoop: eventLoops.any(),
                                 database: { databases.database(logger: logger, on: $0)! }) { received, db in
            await WebhookInbox.record(received, on: db, topicQuestion: topicQuestion)
        }
    }
}
