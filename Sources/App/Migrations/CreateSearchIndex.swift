import Fluent
import SQLKit

/// The search index (SPEC 11): its tables, the triggers that queue a record whenever its searchable
/// text changes, and the indexing of every record already there.
struct CreateSearchIndex: AsyncMigration {
    /// Each table's searchable columns, and the date its results are ranked by: a change to one of
    /// them queues the record again.
    static let watched: [(table: String, kind: SearchKind, columns: [String])] = [
        ("students", .student, ["name", "email", "notes", "created_at"]),
        ("consultations", .consultation,
         ["student_id", "type", "topic", "notes", "follow_up_notes", "questions_and_answers", "consultation_date"]),
        ("follow_ups", .followUp, ["student_id", "text", "created_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        let postgres = sql.dialect.name == "postgresql"
        if postgres {
            try await SearchSchema.createPostgres(sql)
        } else {
            try await SearchSchema.createSQLite(sql)
        }
        try await Self.indexEveryRecord(on: database)
    }

    /// Queues every record of every kind and indexes them all, before the app serves.
    static func indexEveryRecord(on database: any Database) async throws {
        let sql = try database.sql()
        let postgres = sql.dialect.name == "postgresql"
        for (table, kind, _) in watched {
            // A record already queued keeps its entry (`WHERE true` lets SQLite read the upsert).
            try await sql.raw("""
                INSERT INTO search_pending (kind, ref\(unsafeRaw: postgres ? "" : ", stamp")) SELECT \(bind: kind.rawValue), id\(unsafeRaw: postgres ? "" : ", 0") FROM \(ident: table) WHERE true
                ON CONFLICT (kind, ref) DO NOTHING
                """).run()
        }
        try await SearchIndex.drain(on: database, writer: DatabaseWriter(lock: nil))
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        if sql.dialect.name == "postgresql" {
            try await SearchSchema.dropPostgres(sql)
        } else {
            try await SearchSchema.dropSQLite(sql)
        }
    }
}
