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
    /// `CALENDLY_WEBHOOK_SECRET`: when set, the receiver accepts only it, so a subscription the app
    /// creates is signed with it rather than with a fresh key the receiver would refuse.
    var configuredSecret: String? = nil

    /// One subscribe at a time in this process: two that overlap (a double click, Settings and the
    /// command) could each keep a subscription the other deletes.
    private static let serial = AsyncLock()

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

    /// Creates the subscription, or recreates it: the new one is created first (under the next
    /// `generation` in its URL, since Calendly refuses a second subscription with one URL), its key
    /// kept, and only then the old one deleted. If that delete fails, both keys are accepted
    /// until a later call deletes it, so no delivery is refused in between.
    func subscribe(url: String, scope: CalendlyScope, replace: Bool) async throws -> Outcome {
        try await Self.serial.withLock { try await subscribeAlone(url: url, scope: scope, replace: replace) }
    }

    private func subscribeAlone(url: String, scope: CalendlyScope, replace: Bool) async throws -> Outcome {
        let store = CalendlyConnectionStore(db: db, sandbox: sandbox)
        let connection = try await store.loadOrNew()
        let mine = try await client.webhookSubscriptions(scope).filter { WebhookCallback.matches($0.callbackUrl, url) }
        let newest = mine.max { WebhookCallback.generation(of: $0.callbackUrl) < WebhookCallback.generation(of: $1.callbackUrl) }
        if let newest {
            let ours = connection.subscriptionURI == newest.uri && connection.signingKey != nil
            if ours && newest.state != "disabled" && !replace {
                try await deletePrevious(connection, keeping: newest.uri)
                return .alreadyActive(newest)
            }
            guard ours || replace else { throw ForeignSubscription(uri: newest.uri) }
        }
        // Capped: the generation comes from Calendly's data.
        let generation = mine.map { min(WebhookCallback.generation(of: $0.callbackUrl), 1_000_000) }.max().map { $0 + 1 } ?? 0
        let key = configuredSecret ?? RandomToken.make()
        let created = try await client.createWebhookSubscription(url: WebhookCallback.url(url, generation: generation),
                                                                 events: InviteeEvent.allCases.map(\.rawValue), scope: scope, signingKey: key)
        // Kept before anything is deleted: from now on deliveries may come signed with the new key.
        let previousURI = connection.subscriptionURI, previousKey = connection.signingKey
        connection.subscriptionURI = created.uri
        connection.subscriptionCallbackURL = created.callbackUrl ?? url
        connection.subscriptionState = created.state ?? "active"
        connection.signingKey = key
        if previousURI != nil, mine.contains(where: { $0.uri == previousURI }) {
            connection.previousSubscriptionURI = previousURI
            connection.previousSigningKey = previousKey
        }
        try await writer.transaction(on: db) { db in try await connection.save(on: db) }
        // Then every older one of this app's address goes, ours or not; never the one kept as current.
        for old in mine where old.uri != created.uri && old.uri != connection.subscriptionURI {
            // One that will not go yet keeps its key valid; the next subscribe tries again.
            if try await deleteIfPossible(old.uri), old.uri == connection.previousSubscriptionURI {
                try await forgetPrevious(connection)
            }
        }
        return .created(created)
    }

    /// Deletes a predecessor left by an earlier recreation, once Calendly lets it.
    private func deletePrevious(_ connection: CalendlyConnection, keeping current: String) async throws {
        guard let previous = connection.previousSubscriptionURI, previous != current else { return }
        if try await deleteIfPossible(previous) { try await forgetPrevious(connection) }
    }

    /// True when the subscription is gone (deleted now, or already); false when Calendly refused.
    private func deleteIfPossible(_ uri: String) async throws -> Bool {
        do {
            try await client.deleteWebhookSubscription(uri)
            return true
        } catch CalendlyError.notFound(_) {
            return true
        } catch is CalendlyError {
            return false
        }
    }

    private func forgetPrevious(_ connection: CalendlyConnection) async throws {
        connection.previousSubscriptionURI = nil
        connection.previousSigningKey = nil
        try await writer.transaction(on: db) { db in try await connection.save(on: db) }
    }
}
