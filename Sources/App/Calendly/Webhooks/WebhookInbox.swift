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
        let head = Self.read(body).head
        let delivery = WebhookDelivery(receivedAt: receivedAt, event: head.event ?? "(unreadable)",
                                       inviteeURI: head.inviteeURI, envelopeCreatedAt: head.createdAt, body: body)
        try await writer.transaction(on: db) { db in try await delivery.create(on: db) }
        return delivery
    }

    /// Stores a delivery whose signature verified and applies it, in a transaction that commits
    /// before the sender gets its 2xx. Deliveries arriving together share that transaction
    /// (`DeliveryCommitter`).
    func receive(body: Data, receivedAt: Date = Date()) async throws -> WebhookDeliveryState {
        // Reading the body needs no lock; only applying it does.
        let (head, reading) = Self.read(body)
        let delivery = WebhookDelivery(id: TimeOrderedID.make(at: receivedAt), receivedAt: receivedAt, event: head.event ?? "(unreadable)",
                                       inviteeURI: head.inviteeURI, envelopeCreatedAt: head.createdAt, body: body)
        return try await committer.submit(ReceivedDelivery(delivery: delivery, reading: reading))
    }

    /// A verified delivery with its body read, waiting for its turn in a transaction.
    struct ReceivedDelivery: Sendable {
        let delivery: WebhookDelivery
        fileprivate let reading: Reading
    }

    /// Stores received deliveries and applies them, inside the shared transaction, with what they
    /// look up read once for the batch. Any failure throws, and the committer tries each delivery
    /// again alone (`recordAlone`), so one that cannot be applied never holds back the others.
    static func record(_ batch: [ReceivedDelivery], on db: any Database, topicQuestion: String?) async throws -> [Result<WebhookDeliveryState, any Error>] {
        let sql = try db.sql()
        let bookings = try await BookingBatch.prefetching(batch.compactMap(\.reading.snapshot), deliveries: batch.map(\.delivery), on: sql)
        if batch.count == 1, let alone = batch.first {
            return [await recordAlone(alone, bookings: bookings, topicQuestion: topicQuestion)]
        }
        let now = Date()
        try await bookings.applying {
            for received in batch {
                let outcome = try await Self.outcome(of: received.reading, delivery: received.delivery, bookings: bookings, topicQuestion: topicQuestion)
                received.delivery.finish(outcome, at: now)
                if outcome.0 == .processed, let snapshot = received.reading.snapshot {
                    bookings.noteProcessed(received.delivery, saying: snapshot)
                }
            }
        }
        try await insert(batch.map(\.delivery), on: sql)
        return batch.map { .success($0.delivery.state) }
    }

    /// One delivery in its own savepoint. If applying fails, only the application is rolled back:
    /// the delivery is still stored, as `failed` with the error, for replay. If storing fails, the
    /// delivery leaves no trace and the failure is returned, so its sender gets a 503 and delivers
    /// it again.
    private static func recordAlone(_ received: ReceivedDelivery, bookings: BookingBatch, topicQuestion: String?) async -> Result<WebhookDeliveryState, any Error> {
        let delivery = received.delivery
        let sql = bookings.sql
        do {
            try await sql.raw("SAVEPOINT delivery").run()
            var outcome: (WebhookDeliveryState, String?)
            do {
                outcome = try await bookings.applying {
                    try await Self.outcome(of: received.reading, delivery: delivery, bookings: bookings, topicQuestion: topicQuestion)
                }
            } catch {
                try await sql.raw("ROLLBACK TO SAVEPOINT delivery").run()
                outcome = (.failed, "could not be applied: \(String(describing: error))")
            }
            delivery.finish(outcome, at: Date())
            do {
                try await insert([delivery], on: sql)
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
        let reading = Self.read(delivery.body).reading
        let topicQuestion = self.topicQuestion
        return try await writer.transaction(on: db) { db in
            let bookings = try await BookingBatch.prefetching(reading.snapshot.map { [$0] } ?? [], deliveries: [delivery], on: try db.sql())
            let outcome = try await bookings.applying {
                try await Self.outcome(of: reading, delivery: delivery, bookings: bookings, topicQuestion: topicQuestion)
            }
            delivery.finish(outcome, at: now)
            try await delivery.save(on: db)
            return delivery.state
        }
    }

    /// What a delivery's body says: an invitee change to apply, or a verdict already.
    fileprivate enum Reading: Sendable {
        case apply(InviteeSnapshot)
        case verdict(WebhookDeliveryState, String?)

        var snapshot: InviteeSnapshot? {
            if case .apply(let snapshot) = self { snapshot } else { nil }
        }
    }

    /// What identifies a delivery, and what it says. A well-formed invitee delivery is parsed once;
    /// only a body that does not decode is read again, leniently, for what can be known of it.
    private static func read(_ body: Data) -> (head: WebhookEnvelopeHead, reading: Reading) {
        let failure: Reading
        do {
            let envelope = try CalendlyJSON.decoder().decode(WebhookEnvelope.self, from: body)
            let head = WebhookEnvelopeHead(envelope)
            guard let event = InviteeEvent(rawValue: envelope.event) else { return (head, .verdict(.ignored, nil)) }
            guard let scheduledEvent = envelope.payload.scheduledEvent else {
                return (head, .verdict(.failed, "payload.scheduled_event: is required"))
            }
            return (head, .apply(InviteeSnapshot(source: .webhook(event), invitee: envelope.payload, event: scheduledEvent,
                                                 observedAt: envelope.createdAt)))
        } catch let error as DecodingError {
            failure = .verdict(.failed, "\(error.fieldName): \(error.plainMessage)")
        } catch {
            failure = .verdict(.failed, "the body is not JSON")
        }
        let head = WebhookEnvelopeHead(body: body)
        guard let event = head.event else {
            return (head, .verdict(.failed, "the body is not a JSON object with an \"event\""))
        }
        // Other events are not invitees, so they need not decode as one.
        return (head, InviteeEvent(rawValue: event) == nil ? .verdict(.ignored, nil) : failure)
    }

    private static func outcome(of reading: Reading, delivery: WebhookDelivery, bookings: BookingBatch,
                                topicQuestion: String?) async throws -> (WebhookDeliveryState, String?) {
        switch reading {
        case .verdict(let state, let error):
            return (state, error)
        case .apply(let snapshot):
            if try await bookings.isDuplicate(delivery, saying: snapshot) { return (.duplicate, nil) }
            _ = try await InviteeApplier(bookings: bookings, topicQuestion: topicQuestion).apply(snapshot)
            return (.processed, nil)
        }
    }

    /// Inserts new deliveries in one statement, with plain SQL: this runs for every delivery received.
    private static func insert(_ deliveries: [WebhookDelivery], on sql: any SQLDatabase) async throws {
        let insert = sql.insert(into: WebhookDelivery.schema)
            .columns("id", "received_at", "event", "invitee_uri", "envelope_created_at", "body", "state", "error", "processed_at")
        for delivery in deliveries {
            let id = delivery.id ?? TimeOrderedID.make()
            delivery.id = id
            insert.values(SQLBind(id), SQLBind(delivery.receivedAt), SQLBind(delivery.event), SQLBind(delivery.inviteeURI),
                          SQLBind(delivery.envelopeCreatedAt), SQLBind(delivery.body), SQLBind(delivery.state.rawValue),
                          SQLBind(delivery.error), SQLBind(delivery.processedAt))
        }
        try await insert.run()
    }
}

extension WebhookDelivery {
    /// Records what processing found.
    func finish(_ outcome: (WebhookDeliveryState, String?), at time: Date) {
        state = outcome.0
        error = outcome.1.map { String($0.prefix(2000)) }
        processedAt = time
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
                                 database: { databases.database(logger: logger, on: $0)! }) { batch, db in
            try await WebhookInbox.record(batch, on: db, topicQuestion: topicQuestion)
        }
    }
}
