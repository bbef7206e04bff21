import Fluent

/// `calendar_feeds` (SPEC 12): the secret address of the consultations calendar, kept only as the
/// SHA-256 of its token. One at a time: making a new one deletes the old.
struct CreateCalendarFeed: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calendar_feeds")
            .id()
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_feeds").delete()
    }
}
