import Fluent

/// While a recreated subscription's predecessor still exists (its delete failed), its URI and key
/// are kept: deliveries signed with either key are accepted, and the delete is tried again.
struct AddCalendlyPreviousSubscription: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds one column per ALTER TABLE.
        try await database.schema("calendly_connections").field("previous_subscription_uri", .string).update()
        try await database.schema("calendly_connections").field("previous_signing_key", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendly_connections").deleteField("previous_subscription_uri").update()
        try await database.schema("calendly_connections").deleteField("previous_signing_key").update()
    }
}
