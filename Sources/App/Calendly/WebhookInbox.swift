import Fluent
import Foundation
import Vapor

/// The webhook inbox: deliveries are stored byte for byte first, then processed. A stored delivery
/// that cannot be applied is `failed` with its error and can be replayed.
struct WebhookInbox {
    let db: any Database
    let writer: DatabaseWriter
    let topicQuestion: String?

    /// Stores a delivery whose signature verified. Only after this returns may the sender get a 2xx.
    func store(body: Data, receivedAt: Date = Date()) async throws -> WebhookDelivery {
        let head = WebhookEnvelopeHead(body: body)
        let delivery = WebhookDelivery(receivedAt: receivedAt, event: head.event ?? "(unreadable)",
                                       inviteeURI: head.inviteeURI, envelopeCreatedAt: head.createdAt, body: body)
        try await writer.transaction(on: db) { db in try await delivery.create(on: db) }
        return delivery
    }

    /// Stores a delivery whose signature verified and applies it, in one transaction that commits
    /// before the sender gets its 2xx. If applying fails, only the application is rolled back
    /// (to a savepoint): the delivery is still stored, as `failed` with the error, for replay.
    func receive(body: Data, receivedAt: Date = Date()) async throws -> WebhookDeliveryState {
        let head = WebhookEnvelopeHead(body: body)
        let delivery = WebhookDelivery(receivedAt: receivedAt, event: head.event ?? "(unreadable)",
                                       inviteeURI: head.inviteeURI, envelopeCreatedAt: head.createdAt, body: body)
        let reading = Self.read(delivery)
        let topicQuestion = self.topicQuestion
        return try await writer.transaction(on: db) { db in
            let sql = try db.sql()
            try await sql.raw("SAVEPOINT apply_delivery").run()
            var outcome: (WebhookDeliveryState, String?)
            do {
                outcome = try await Self.outcome(of: reading, delivery: delivery, on: db, topicQuestion: topicQuestion)
                try await sql.raw("RELEASE SAVEPOINT apply_delivery").run()
            } catch {
                try await sql.raw("ROLLBACK TO SAVEPOINT apply_delivery").run()
                outcome = (.failed, "could not be applied: \(String(describing: error))")
            }
            delivery.state = outcome.0
            delivery.error = outcome.1.map { String($0.prefix(2000)) }
            delivery.processedAt = Date()
            try await delivery.create(on: db)
            return outcome.0
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
    private enum Reading {
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
        let query = WebhookDelivery.query(on: db)
            .filter(\.$event == delivery.event)
            .filter(\.$state == .processed)
        if let uri = delivery.inviteeURI { query.filter(\.$inviteeURI == uri) } else { query.filter(\.$inviteeURI == nil) }
        if let created = delivery.envelopeCreatedAt { query.filter(\.$envelopeCreatedAt == created) } else { query.filter(\.$envelopeCreatedAt == nil) }
        if let id = delivery.id { query.filter(\.$id != id) }
        return try await query.count() > 0
    }
}

extension Request {
    var webhookInbox: WebhookInbox {
        WebhookInbox(db: db, writer: application.databaseWriter, topicQuestion: application.appConfig.calendly.topicQuestion)
    }
}

extension Application {
    var webhookInbox: WebhookInbox {
        WebhookInbox(db: db, writer: databaseWriter, topicQuestion: appConfig.calendly.topicQuestion)
    }
}
