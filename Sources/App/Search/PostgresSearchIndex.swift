import Foundation
import SQLKit

/// The index on PostgreSQL: `search_documents` with two `tsvector`s (a record's names, and all its
/// words), each under a GIN index.
///
/// The vectors are built from the app's folded words as they are (`array_to_tsvector`), and queries
/// are `tsquery` values of those words with `:*`, so no text-search configuration or server locale
/// splits or changes them: there is no stemming (as with `simple`), and SQLite and PostgreSQL index
/// exactly the same words and so match the same records. Within a limit, records dated in the same
/// second may come in another order here than on SQLite, so a limit that cuts through such a tie
/// may keep different ones of them.
enum PostgresSearchIndex {
    static func write(_ documents: [SearchDocument], replacing pending: [SearchIndex.Pending], on sql: any SQLDatabase) async throws {
        let kept = Set(documents.map(\.key))
        for gone in pending where !kept.contains(gone) {
            try await sql.raw("DELETE FROM search_documents WHERE kind = \(bind: gone.kind.rawValue) AND ref = \(bind: gone.ref)").run()
        }
        for document in documents {
            let all = Array(Set(document.words)).sorted()
            let title = Array(Set(document.titleWords)).sorted()
            try await sql.raw("""
                INSERT INTO search_documents (kind, ref, date, words, title_words)
                VALUES (\(bind: document.key.kind.rawValue), \(bind: document.key.ref), \(bind: document.date),
                        array_to_tsvector(\(bind: all)::text[]), array_to_tsvector(\(bind: title)::text[]))
                ON CONFLICT (kind, ref) DO UPDATE
                SET date = EXCLUDED.date, words = EXCLUDED.words, title_words = EXCLUDED.title_words
                """).run()
        }
    }

    static func find(_ words: [String], limit: Int, on sql: any SQLDatabase) async throws -> [SearchIndex.Pending] {
        let query = words.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "':*" }
            .joined(separator: " & ")
        let names = try await matches("title_words", query, limit: limit, on: sql)
        let all = try await matches("words", query, limit: limit + names.count, on: sql)
        return SearchIndex.ranked(names: names, all: all, limit: limit)
    }

    private static func matches(_ column: String, _ query: String, limit: Int, on sql: any SQLDatabase) async throws -> [SearchIndex.Pending] {
        try await sql.raw("""
            SELECT kind, ref FROM search_documents WHERE \(unsafeRaw: column) @@ \(bind: query)::tsquery
            ORDER BY date DESC, kind, ref LIMIT \(bind: limit)
            """).all(decoding: SearchIndex.Pending.self)
    }
}
