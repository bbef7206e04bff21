import Fluent
import SQLKit

/// When the owner last looked at Today, so it can say what changed since; and an index on
/// consultations' `updated_at`, which finds those changes without reading every row.
struct AddTodaySeen: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("accounts").field("today_seen_at", .datetime).update()
        try await database.sql().raw("CREATE INDEX consultations_updated ON consultations (updated_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX consultations_updated").run()
        try await database.schema("accounts").deleteField("today_seen_at").update()
    }
}
