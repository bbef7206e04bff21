import Fluent
import Foundation

/// What the app knows of its Calendly account: cached look-ups and the webhook subscription it created.
/// A single row; `key` is always `"default"`.
final class CalendlyConnection: Model, @unchecked Sendable {
    static let schema = "calendly_connections"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @OptionalField(key: "user_uri") var userURI: String?
    @OptionalField(key: "organization_uri") var organizationURI: String?
    @OptionalField(key: "user_json") var userJSON: String?
    @OptionalField(key: "event_types_json") var eventTypesJSON: String?
    @OptionalField(key: "fetched_at") var fetchedAt: Date?
    @OptionalField(key: "subscription_uri") var subscriptionURI: String?
    @OptionalField(key: "subscription_callback_url") var subscriptionCallbackURL: String?
    @OptionalField(key: "subscription_state") var subscriptionState: String?
    @OptionalField(key: "signing_key") var signingKey: String?
    @OptionalField(key: "last_delivery_at") var lastDeliveryAt: Date?
    @OptionalField(key: "last_sync_at") var lastSyncAt: Date?
    /// The personal access token entered on Settings.
    @OptionalField(key: "api_token") var apiToken: String?
    /// A recreated subscription's predecessor, until Calendly confirms it is deleted.
    @OptionalField(key: "previous_subscription_uri") var previousSubscriptionURI: String?
    @OptionalField(key: "previous_signing_key") var previousSigningKey: String?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() { self.key = "default" }
}

// MARK: - Reading and writing

/// Reads and writes the `calendly_connections` row: one for the live account, one for the sandbox,
/// so trying the sandbox never leaves its signing key in place for real Calendly.
struct CalendlyConnectionStore {
    let db: any Database
    let key: String

    init(db: any Database, sandbox: Bool) {
        self.db = db
        self.key = sandbox ? "sandbox" : "default"
    }

    func load() async throws -> CalendlyConnection? {
        try await CalendlyConnection.query(on: db).filter(\.$key == key).first()
    }

    /// The Calendly token entered on Settings, if any.
    func settingsToken() async throws -> String? {
        try await load()?.apiToken
    }

    func loadOrNew() async throws -> CalendlyConnection {
        if let existing = try await load() { return existing }
        let connection = CalendlyConnection()
        connection.key = key
        return connection
    }

    /// The key webhook signatures are checked with: `CALENDLY_WEBHOOK_SECRET`, else the key the app
    /// generated when it created the subscription.
    func signingKey(configured: String?) async throws -> String? {
        try await signingKeys(configured: configured).first
    }

    /// Every key a delivery may be signed with: the current one, and while a recreated
    /// subscription's predecessor still exists, its key too.
    func signingKeys(configured: String?) async throws -> [String] {
        if let configured { return [configured] }
        guard let connection = try await load() else { return [] }
        return [connection.signingKey, connection.previousSigningKey].compactMap { $0 }
    }
}
