@testable import App
import Fluent
import SQLKit
import Testing

@Suite("Schema")
struct SchemaTests {
    struct Name: Decodable { var name: String }

    @Test func migrationsCreateEveryTableAndIndex() async throws {
        try await withTestApp { t in
            let sql = try t.app.db.sql()
            let isPostgres = sql.dialect.name == "postgresql"
            #expect(isPostgres == (TestApp.postgresURL != nil), "tests run on the database they were asked to")
            let tables = try await sql.raw(isPostgres
                ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'").all(decoding: Name.self).map(\.name)
            for table in ["students", "consultations", "webhook_deliveries", "accounts", "api_tokens", "calendly_connections", "_fluent_sessions"] {
                #expect(tables.contains(table), "missing table \(table)")
            }
            let indexes = try await sql.raw(isPostgres
                ? "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'"
                : "SELECT name FROM sqlite_master WHERE type = 'index'").all(decoding: Name.self).map(\.name)
            for index in ["students_email_unique", "consultations_status_date", "consultations_student_status_date",
                          "consultations_invitee_uri_unique", "webhook_deliveries_by_envelope"] {
                #expect(indexes.contains(index), "missing index \(index)")
            }
            // Answered by another index, and each cost every new booking a page write (DropRedundantIndexes).
            for index in ["consultations_student_date", "search_documents_ref"] {
                #expect(!indexes.contains(index), "redundant index \(index)")
            }
        }
    }

    @Test func inviteeURIIsUniqueWhenPresent() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let first = try await Fixtures.consultation(for: student, on: t.app)
            first.calendlyInviteeURI = "https://api.calendly.com/scheduled_events/E/invitees/I"
            try await first.save(on: t.app.db)
            // Many consultations may have none.
            try await Fixtures.consultation(for: student, on: t.app)
            try await Fixtures.consultation(for: student, on: t.app)
            let duplicate = try await Fixtures.consultation(for: student, on: t.app)
            duplicate.calendlyInviteeURI = first.calendlyInviteeURI
            await #expect(throws: (any Error).self) { try await duplicate.save(on: t.app.db) }
        }
    }

    @Test func manualStudentsMayShareAnEmptyEmail() async throws {
        try await withTestApp { t in
            try await Fixtures.student("One", email: "", on: t.app)
            try await Fixtures.student("Two", email: "", on: t.app)
            await #expect(throws: (any Error).self) {
                try await Fixtures.student("Three", email: "same@example.com", on: t.app)
                try await Fixtures.student("Four", email: "same@example.com", on: t.app)
            }
        }
    }
}
