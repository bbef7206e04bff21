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
