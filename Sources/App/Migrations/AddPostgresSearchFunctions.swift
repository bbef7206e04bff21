import Fluent
import SQLKit

/// PostgreSQL's search as one statement (`PostgresSearchFunctions`):
///
/// - `search_terms`, every word ever indexed (as on SQLite), filled from the index as it stands (a
///   database made since has the table from `CreateSearchIndex`);
/// - each kind's own date index and GIN indexes (partial), in place of the date and GIN indexes
///   over every kind, so that a word common in one kind and rare in another is found in each its
///   own way;
/// - the search functions.
///
/// The GIN indexes take new words at once (`fastupdate = off`). With PostgreSQL's default, new
/// entries wait in a list that every search reads through until a vacuum merges it: after 12,000
/// new meetings over the benchmark's data, a search for "scholarship" took 4.9 ms instead of 1.0.
/// Indexing pays instead: 0.09 ms more a record (5,000 records: 470 ms against 169).
///
/// SQLite needs none of it. Written so that a run stopped half-way can run again. The function
/// has `PostgresSearchIndex.windows` and the kinds written in: changing either needs a migration.
struct AddPostgresSearchFunctions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await SearchSchema.createPostgresTerms(sql)
        try await PostgresSearchIndex.takeInIndexedWords(on: sql)
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_documents_kind_date ON search_documents (kind, date DESC, ref)").run()
        for kind in SearchKind.allCases {
            for column in ["words", "title_words"] {
                try await sql.raw("""
                    CREATE INDEX IF NOT EXISTS \(unsafeRaw: "search_documents_\(kind.rawValue)_\(column)")
                    ON search_documents USING GIN (\(unsafeRaw: column)) WITH (fastupdate = off) WHERE kind = \(literal: kind.rawValue)
                    """).run()
            }
        }
        try await sql.raw("DROP INDEX IF EXISTS search_documents_words").run()
        try await sql.raw("DROP INDEX IF EXISTS search_documents_title_words").run()
        try await sql.raw("DROP INDEX IF EXISTS search_documents_date").run()
        try await PostgresSearchFunctions.drop(sql)
        try await PostgresSearchFunctions.create(sql)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await PostgresSearchFunctions.drop(sql)
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_documents_words ON search_documents USING GIN (words)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_documents_title_words ON search_documents USING GIN (title_words)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_documents_date ON search_documents (date DESC, kind, ref)").run()
        for kind in SearchKind.allCases {
            for column in ["words", "title_words"] {
                try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: "search_documents_\(kind.rawValue)_\(column)")").run()
            }
        }
        try await sql.raw("DROP INDEX IF EXISTS search_documents_kind_date").run()
    }
}
