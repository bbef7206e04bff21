import Fluent

struct CreateCalendlyConnection: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendly_connections")
            .id()
            .field("key", .string, .required)
            .field("user_uri", .string)
            .field("organization_uri", .string)
            .field("user_json", .string)
            .field("event_types_json", .string)
            .field("fetched_at", .datetime)
            .field("subscription_uri", .string)
            .field("subscription_callback_url", .string)
            .field("subscription_state", .string)
            .field("signing_key", .string)
            .field("last_delivery_at", .datetime)
            .field("last_sync_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendly_connections").delete()
    }
}
