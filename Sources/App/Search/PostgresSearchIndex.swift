import FluentKit
import Foundation
import PostgresNIO
import SQLKit

/// The index on PostgreSQL: `search_documents` with two `tsvector`s (a record's names, and all its
/// words), each under a GIN index.
///
/// The vectors are built from the app's folded words as they are (`array_to_tsvector`), and queries
/// are `tsquery` values of indexed words (`search_terms`) or of prefixes with `:*`
/// (`PostgresSearchFunctions`), so no text-search configuration or server locale
/// splits or changes them: there is no stemming (as with `simple`), and SQLite and PostgreSQL index
/// exactly the same words and so match the same records. Within a limit, records dated in the same
/// second may come in another order here than on SQLite, so a limit that cuts through such a tie
/// may keep different ones of them.
enum PostgresSearchIndex {
    static func write(_ documents: [SearchDocument], replacing pending: [SearchIndex.Pending], on sql: any SQLDatabase) async throws {
        // `ORDER BY 1`: every writer of new words takes them in the database's order, so two
        // instances indexing at once may wait on each other's but never in a cycle.
        let terms = Array(Set(documents.flatMap(\.words)))
        if !terms.isEmpty {
            try await sql.raw("""
                INSERT INTO search_terms (term) SELECT unnest(\(bind: terms)::text[]) ORDER BY 1 ON CONFLICT DO NOTHING
                """).run()
        }
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

    /// Takes every word of the index into `search_terms`, in the same order as `write`. The
    /// migration does it once, and `serve` again when it starts: an instance of an earlier version
    /// still indexing during a rolling upgrade writes no words there, and the last instance to start
    /// on this version takes them in.
    static func takeInIndexedWords(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO search_terms (term) SELECT word FROM ts_stat('SELECT words FROM search_documents') ORDER BY 1
            ON CONFLICT DO NOTHING
            """).run()
    }

    /// The records whose text has every word of `words` as the start of one of its words, ranked
    /// by `SearchIndex.findSources`'s rule (all words in their names first, then the rest, each newest
    /// first), read with everything a result shows: one statement (`PostgresSearchFunctions`).
    ///
    /// It is made of futures, not tasks, so a search stays on the thread of `database`'s event loop:
    /// Fluent's pool for that loop hands out a connection served by it, and the statement is sent,
    /// answered and read there. Through tasks, a search went from the request's loop to Swift's
    /// global executor, to the connection's loop and back twice.
    static func findSources(_ words: [String], limit: Int, on database: any Database) -> EventLoopFuture<[SearchSource]> {
        // Fluent's PostgreSQL database is PostgresNIO's too: its rows are read by PostgresNIO's
        // decoders (`PostgresReadColumns`).
        guard let postgres = database as? any PostgresDatabase else {
            return database.eventLoop.makeFailedFuture(SearchColumnError(column: "crm_search", expected: "rows from PostgreSQL"))
        }
        let query: PostgresQuery = "SELECT * FROM crm_search(\(words)::text[], \(Int32(clamping: limit)))"
        let logger = database.logger
        return postgres.withConnection { connection in
            connection.query(query, logger: logger)
        }.flatMapThrowing { result in
            try result.rows.map { row in
                let columns = PostgresReadColumns(row: row.makeRandomAccess())
                guard let kind = SearchKind(rawValue: try columns.text("hit_kind")) else {
                    throw SearchColumnError(column: "hit_kind", expected: "a kind search knows")
                }
                return try SearchSources.source(kind, from: columns)
            }
        }
    }

    /// How many of a kind's newest records are looked through, first the fewer, before asking the
    /// kind's GIN index instead (`crm_search`).
    ///
    /// PostgreSQL's estimate of how many records match a prefix is often a hundred times off, so
    /// left to choose, it walked the date index past nearly every record for a rare word (110 ms for
    /// "scholarship" over the benchmark's data; the GIN index alone: 0.5 ms). So: when the newest
    /// records of a window hold `limit` matches, they are the answer, found by the date index walk
    /// that stops at the window; when they hold fewer, matches are sparse, and the GIN index finds
    /// them all at once to be sorted. A common word is answered from the newest 100; the second
    /// window is tried only when the matches among those 100 say it could hold `limit` of them, so
    /// a rare word goes to the GIN index at once.
    ///
    /// Each kind is looked through on its own: a word may be common in follow-ups and absent from
    /// the newest meetings, which are the newest records of all. Every way gives exactly the same
    /// order: date, then kind, then ref.
    static let windows = (first: 100, second: 1_000)
}
