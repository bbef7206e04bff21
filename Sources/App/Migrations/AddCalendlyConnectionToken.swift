import Fluent

/// The personal access token entered on Settings (SPEC section 7); `CALENDLY_API_KEY` wins when set.
struct AddCalendlyConnectionToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendly_connections").field("api_token", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendly_connections").deleteField("api_token").update()
    }
}
