import Fluent
import Foundation

/// Creates the webhook subscription for this app with a fresh signing key, and keeps the key
/// (Calendly never returns it). A subscription for the same URL whose key the app does not know is
/// replaced only when asked.
struct CalendlySubscriber {
    let client: CalendlyClient
    let db: any Database
    let writer: DatabaseWriter
    let sandbox: Bool

    enum Outcome: Equatable {
        case created(CalendlyWebhookSubscription)
        case alreadyActive(CalendlyWebhookSubscription)
    }

    struct ForeignSubscription: Error, CustomStringConvertible {
        var uri: String
        var description: String {
            "A webhook subscription for this URL already exists (\(uri)) with a signing key this app does not know. Run `crm calendly subscribe --replace` to replace it."
        }
    }

    func subscribe(url: String, scope: CalendlyScope, replace: Bool) async throws -> Outcome {
        let store = CalendlyConnectionStore(db: db, sandbox: sandbox)
        let connection = try await store.loadOrNew()
        if let existing = try await client.webhookSubscriptions(scope).first(where: { $0.callbackUrl == url }) {
            let ours = connection.subscriptionURI == existing.uri && connection.signingKey != nil
            if ours && existing.state != "disabled" && !replace { return .alreadyActive(existing) }
            guard ours || replace else { throw ForeignSubscription(uri: existing.uri) }
            // Calendly does not re-enable a disabled subscription: it must be deleted and created anew.
            try await client.deleteWebhookSubscription(existing.uri)
        }
        let key = RandomToken.make()
        let created = try await client.createWebhookSubscription(url: url, events: InviteeEvent.allCases.map(\.rawValue), scope: scope, signingKey: key)
        connection.subscriptionURI = created.uri
        connection.subscriptionCallbackURL = created.callbackUrl ?? url
        connection.subscriptionState = created.state ?? "active"
        connection.signingKey = key
        try await writer.transaction(on: db) { db in try await connection.save(on: db) }
        return .created(created)
    }
}
