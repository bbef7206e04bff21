import Fluent
import SQLKit

/// `follow_ups` (SPEC 10): what was promised at a meeting, by whom, by when, and whether it is done.
struct CreateFollowUp: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("follow_ups")
            .id()
            .field("student_id", .uuid, .required, .references("students", "id", onDelete: .cascade))
            .field("consultation_id", .uuid, .references("consultations", "id", onDelete: .setNull))
            .field("text", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string)
            .field("done_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = try database.sql()
        // A student's open ones, a consultation's own, and everything open by due date (Today).
        try await sql.create(index: "follow_ups_student_done").on("follow_ups").column("student_id").column("done_at").run()
        try await sql.create(index: "follow_ups_consultation").on("follow_ups").column("consultation_id").run()
        try await sql.create(index: "follow_ups_done_due").on("follow_ups").column("done_at").column("due_on").run()
        try await DataVersionTriggers.create(on: "follow_ups", sql)
    }

    func revert(on database: any Database) async throws {
        try await DataVersionTriggers.drop(on: "follow_ups", try database.sql())
        try await database.schema("follow_ups").delete()
    }
}

/// The data-version triggers `CreateDataVersion` put on the tables of its time, for a table added
/// later, so the read caches see its changes too.
enum DataVersionTriggers {
    static func create(on table: String, _ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_data_version AFTER INSERT OR UPDATE OR DELETE ON \(ident: table)
                FOR EACH STATEMENT EXECUTE FUNCTION crm_bump_data_version()
                """).run()
            return
        }
        for event in ["INSERT", "UPDATE", "DELETE"] {
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_\(unsafeRaw: event.lowercased())_data_version AFTER \(unsafeRaw: event) ON \(ident: table)
                BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END
                """).run()
        }
    }

    static func drop(on table: String, _ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_data_version ON \(ident: table)").run()
            return
        }
        for event in ["insert", "update", "delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_\(unsafeRaw: event)_data_version").run()
        }
    }
}
