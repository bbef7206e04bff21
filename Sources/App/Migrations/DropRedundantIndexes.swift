import Fluent
import SQLKit

/// Two indexes that another already answers, each costing every new booking a page write:
///
/// - `consultations_student_date` (student, date): `consultations_student_status_date` (student,
///   status, date) finds a student's meetings just as well; sorting one student's meetings by
///   date is a few rows' work. Led by a random student id, it dirtied a page of its own for
///   nearly every booking (SQLite writes a dirty page whole to the WAL, and again at the checkpoint).
/// - `search_documents_ref` (SQLite): indexing looks records up by kind and id together, which the
///   table's own unique (kind, ref) index answers.
///
/// Written so that a run stopped half-way can run again.
struct DropRedundantIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw("DROP INDEX IF EXISTS consultations_student_date").run()
        if sql.dialect.name != "postgresql" {
            try await sql.raw("DROP INDEX IF EXISTS search_documents_ref").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX IF NOT EXISTS consultations_student_date ON consultations (student_id, consultation_date)").run()
        if sql.dialect.name != "postgresql" {
            try await sql.raw("CREATE INDEX IF NOT EXISTS search_documents_ref ON search_documents (ref)").run()
        }
    }
}
