import Fluent
import SQLKit

struct CreateStudent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("students")
            .id()
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string, .required)
            .field("notes", .string, .required)
            .field("source", .string, .required)
            .field("archived_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        // Unique only where present: manual entries may have no email.
        let sql = try database.sql()
        try await sql.raw("CREATE UNIQUE INDEX students_email_unique ON students (email) WHERE email <> ''").run()
        try await sql.raw("CREATE INDEX students_name ON students (name)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("students").delete()
    }
}
