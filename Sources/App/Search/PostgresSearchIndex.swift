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

    /// How many of the newest records are looked through, first the fewer, before asking the GIN
    /// index instead.
    static let windows = [100, 1_000]

    /// The newest `limit` records whose `column` matches.
    ///
    /// PostgreSQL's estimate of how many records match a prefix is often a hundred times off, so
    /// left to choose, it walked the date index past nearly every record for a rare word (110 ms for
    /// "scholarship" over the benchmark's data; the GIN index alone: 0.5 ms). So: when the newest
    /// records of a window hold `limit` matches, they are the answer, found by the date index walk
    /// that stops at the window; when they hold fewer, matches are sparse, and the GIN index finds
    /// them all at once to be sorted. A common word is answered from the newest 100; the next window
    /// is tried only when the matches among those 100 say it could hold `limit` of them, so a rare
    /// word goes to the GIN index at once. Every way gives exactly the same order: date, then kind,
    /// then ref.
    private static func matches(_ column: String, _ query: String, limit: Int, on sql: any SQLDatabase) async throws -> [SearchIndex.Pending] {
        var looked = 0, found = 0
        for window in windows {
            // Matches as dense as in the window before would fall short of the limit in this one.
            if looked > 0, found * window < limit * looked { break }
            let recent = try await sql.raw("""
                SELECT kind, ref FROM (
                    SELECT kind, ref, date, \(unsafeRaw: column) AS words FROM search_documents
                    ORDER BY date DESC, kind, ref LIMIT \(literal: window)
                ) AS newest
                WHERE words @@ \(bind: query)::tsquery ORDER BY date DESC, kind, ref LIMIT \(bind: limit)
                """).all(decoding: SearchIndex.Pending.self)
            if recent.count >= limit { return recent }
            looked = window
            found = recent.count
        }
        return try await sql.withSession { session in
            // The settings last until the end of this transaction: only this query uses the GIN index alone.
            try await session.raw("BEGIN").run()
            do {
                try await session.raw("SET LOCAL enable_indexscan = off").run()
                try await session.raw("SET LOCAL enable_seqscan = off").run()
                let all = try await session.raw("""
                    SELECT kind, ref FROM search_documents WHERE \(unsafeRaw: column) @@ \(bind: query)::tsquery
                    ORDER BY date DESC, kind, ref LIMIT \(bind: limit)
                    """).all(decoding: SearchIndex.Pending.self)
                try await session.raw("COMMIT").run()
                return all
            } catch {
                try? await session.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
