import Fluent
import Foundation
import SQLKit

/// When each session was last used, so sessions end after `SESSION_IDLE_DAYS` of disuse and their
/// rows are deleted. Sessions that exist already count as used now.
struct AddSessionLastSeen: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("_fluent_sessions").field("last_seen_at", .datetime).update()
        try await database.sql().update("_fluent_sessions").set("last_seen_at", to: SQLBind(Date())).run()
        try await database.sql().raw("CREATE INDEX fluent_sessions_by_last_seen ON _fluent_sessions (last_seen_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX fluent_sessions_by_last_seen").run()
        try await database.schema("_fluent_sessions").deleteField("last_seen_at").update()
    }
}
