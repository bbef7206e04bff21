import Foundation
import SQLKit

/// The index on SQLite: two FTS5 tables over the folded words (`search_titles` holds a record's
/// names, `search_full` everything), `search_documents` naming the record behind each FTS row, and
/// `search_terms`, every word ever indexed.
///
/// A record's FTS rowid encodes its date, newest lowest (`base(of:)`), so FTS5 walks matches newest
/// first and stops at the limit instead of ranking every match: a common word over 200,000 meetings
/// costs about as little as a rare one. Newest lowest, because FTS5 reads a word's list of rows
/// forwards from its first page; read backwards (newest highest, as rows were numbered before
/// `NumberSearchRowsNewestLowest`), it first walks the list's page index to the last page, work that
/// grows with how common the word is: 121 against 62 µs for "dead plan" over the benchmark's data.
///
/// Query words are prefixes; one that starts few indexed words is asked as those words (`"thesis"
/// OR "theses"`), which FTS5 also walks lazily, while `"thes"*` would first merge the whole of every
/// matching word's list.
enum SQLiteSearchIndex {
    /// Room for this many records in the same second.
    static let serialBits: Int64 = 20
    /// A query word that starts at most this many indexed words is asked as those words.
    static let maxExpansion = 64
    /// Rows per multi-row INSERT, well under SQLite's bound-parameter limit.
    private static let chunk = 500

    /// The latest second a rowid can tell apart (about the year 36800); later dates share it.
    private static let horizon = Int64(1) << 40

    /// The start of the rowid range of records dated in the same second as `date`: later seconds
    /// lower, so that FTS5's own order, ascending rowids, is newest first.
    static func base(of date: Date) -> Int64 {
        let seconds = Int64(min(max(date.timeIntervalSince1970, 0), Double(horizon)))
        return (horizon - seconds) << serialBits
    }

    private struct Document: Decodable {
        let rowid: Int64
        let kind: SearchKind
        let ref: UUID
    }

    static func write(_ documents: [SearchDocument], replacing pending: [SearchIndex.Pending], on sql: any SQLDatabase) async throws {
        // Every queued record's old rows go; the ones that still exist come back with their text.
        var old: [SearchIndex.Pending: Int64] = [:]
        for part in pending.chunked(chunk) {
            let keys = part.map { SQLGroupExpression([SQLBind($0.kind.rawValue), SQLBind($0.ref)]) }
            for document in try await sql.raw("""
                SELECT rowid, kind, ref FROM search_documents WHERE (kind, ref) IN (VALUES \(SQLList(keys)))
                """).all(decoding: Document.self) {
                old[.init(kind: document.kind, ref: document.ref)] = document.rowid
            }
        }
        for part in Array(old.values).chunked(chunk) {
            try await sql.raw("DELETE FROM search_full WHERE rowid IN (\(binds: part))").run()
            try await sql.raw("DELETE FROM search_titles WHERE rowid IN (\(binds: part))").run()
            try await sql.raw("DELETE FROM search_documents WHERE rowid IN (\(binds: part))").run()
        }
        let rowids = try await allocate(documents, keeping: old, on: sql)
        var terms = Set<String>()
        var named: [any SQLExpression] = []
        var full: [any SQLExpression] = []
        var titles: [any SQLExpression] = []
        // Written in rowid order: FTS5 starts a new segment whenever a transaction writes a rowid
        // below the one before, so a batch in the order it was queued (by id, while rowids follow
        // the records' dates) left a segment for nearly every record of an import of past meetings.
        for (document, rowid) in zip(documents, rowids).sorted(by: { $0.1 < $1.1 }) {
            terms.formUnion(document.words)
            named.append(SQLGroupExpression([SQLBind(rowid), SQLBind(document.key.kind.rawValue), SQLBind(document.key.ref)]))
            full.append(SQLGroupExpression([SQLBind(rowid), SQLBind(document.words.joined(separator: " "))]))
            if !document.titleWords.isEmpty {
                titles.append(SQLGroupExpression([SQLBind(rowid), SQLBind(document.titleWords.joined(separator: " "))]))
            }
        }
        try await insert(named, into: "search_documents(rowid, kind, ref)", on: sql)
        try await insert(full, into: "search_full(rowid, words)", on: sql)
        try await insert(titles, into: "search_titles(rowid, words)", on: sql)
        try await insert(terms.map { SQLGroupExpression([SQLBind($0)]) }, into: "search_terms(term)", on: sql,
                         onConflict: " ON CONFLICT DO NOTHING")
    }

    private static func insert(_ rows: [any SQLExpression], into target: String, on sql: any SQLDatabase,
                               onConflict: String = "") async throws {
        for part in rows.chunked(chunk) {
            try await sql.raw("INSERT INTO \(unsafeRaw: target) VALUES \(SQLList(part))\(unsafeRaw: onConflict)").run()
        }
    }

    /// A rowid per source, in its date's range: the old one when the date kept its second, else
    /// the next free one below the others of that second, so that of records dated in the same
    /// second the one indexed last comes first, as the newest.
    private static func allocate(_ documents: [SearchDocument], keeping old: [SearchIndex.Pending: Int64],
                                 on sql: any SQLDatabase) async throws -> [Int64] {
        var next: [Int64: Int64] = [:]
        var rowids: [Int64] = []
        for document in documents {
            let base = base(of: document.date)
            if let kept = old[document.key], kept >> serialBits == base >> serialBits {
                rowids.append(kept)
                continue
            }
            if next[base] == nil {
                let end = base + (1 << serialBits)
                let stored = try await sql.raw("""
                    SELECT min(rowid) AS low FROM search_documents WHERE rowid >= \(bind: base) AND rowid < \(bind: end)
                    """).first(decodingColumn: "low", as: Int64?.self) ?? nil
                let kept = old.values.filter { $0 >> serialBits == base >> serialBits }.min()
                next[base] = min(stored ?? end, kept ?? end) - 1
            }
            let rowid = next[base]!
            next[base] = rowid - 1
            rowids.append(rowid)
        }
        return rowids
    }

    /// The records whose text has every word of `words` as the start of one of its words, ranked
    /// (`SearchIndex.findSources`'s rule: all words in their names first, then the rest, each newest
    /// first), read with everything a result shows.
    ///
    /// It runs on the caller's thread, on a reader's connection (`SQLiteReader`), so a search is one
    /// job on SQLite's thread pool: two statements in one snapshot, the ranked hits and then the
    /// records behind them, both kept prepared (preparing them anew was about a tenth of a search's
    /// work).
    static func findSources(_ words: [String], limit: Int, on connection: SQLiteReadConnection,
                            memory: SearchMemory) throws -> [SearchSource] {
        guard let match = try match(words, on: connection, memory: memory) else { return [] }
        return try connection.inSnapshot {
            // `records` takes at most `Search.maxLimit` rowids.
            let ranked = try hits(match, limit: min(limit, Search.maxLimit), on: connection)
            guard !ranked.isEmpty else { return [] }
            var found: [Int64: SearchSource] = [:]
            var positions: [String: Int32]?
            try connection.rows(records, binds: ranked.map { .integer($0) }, keep: true) { row in
                let columns = SQLiteReadColumns(row: row, positions: positions ?? SQLiteReadColumns.positions(of: row))
                positions = columns.positions
                guard let rowid = row.integer(0), let kind = row.text(1).flatMap(SearchKind.init(rawValue:)) else {
                    throw SQLiteReadError(message: "search_documents holds a kind search does not know: \(row.text(1) ?? "NULL")")
                }
                found[rowid] = try SearchSources.source(kind, from: columns)
            }
            // A record deleted since it was indexed has no row there, and is left out.
            return ranked.compactMap { found[$0] }
        }
    }

    /// The FTS rowids of the records matching `match`, best first: each record once, at its better
    /// tier (a record named in both walks has the same rowid in both).
    ///
    /// The statement stays prepared (one per limit): the match is bound, the limits are written
    /// in. SQLite prepares a statement again whenever a bound LIMIT changes, to plan with the
    /// value; timed over the benchmark's data, a kept statement ran in about 21 µs with the limits
    /// written in, 42 to 57 µs with them bound, and 66 to 138 µs prepared afresh each time.
    private static func hits(_ match: String, limit: Int, on connection: SQLiteReadConnection) throws -> [Int64] {
        var ranked: [Int64] = []
        try connection.rows("""
            SELECT r FROM (
                SELECT * FROM (SELECT 0 AS tier, rowid AS r FROM search_titles WHERE search_titles MATCH ?1
                               ORDER BY rowid LIMIT \(limit))
                UNION ALL
                SELECT * FROM (SELECT 1 AS tier, rowid AS r FROM search_full WHERE search_full MATCH ?1
                               ORDER BY rowid LIMIT \(2 * limit))
            ) GROUP BY r ORDER BY min(tier), r LIMIT \(limit)
            """, binds: [.text(match)], keep: true) { row in
            if let rowid = row.integer(0) { ranked.append(rowid) }
        }
        return ranked
    }

    /// The records behind up to `Search.maxLimit` FTS rowids (parameters left unbound are NULL and
    /// match nothing), with the columns `SearchSources.source` reads for each kind.
    private static let records = """
        SELECT d.rowid AS r, d.kind, d.ref AS id, \(SearchSources.hitColumns(kind: "d.kind", ref: "d.ref"))
        FROM search_documents d
        LEFT JOIN consultations c ON d.kind = 'consultation' AND c.id = d.ref
        LEFT JOIN follow_ups f ON d.kind = 'follow_up' AND f.id = d.ref
        LEFT JOIN students s ON s.id = (\(SearchSources.studentOfHit(kind: "d.kind", ref: "d.ref")))
        WHERE d.rowid IN (\((1...Search.maxLimit).map { "?\($0)" }.joined(separator: ", ")))
          AND s.id IS NOT NULL AND (d.kind = 'student' OR c.id IS NOT NULL OR f.id IS NOT NULL)
        """

    /// `words` as one FTS5 expression, or nil when some word starts no indexed word.
    private static func match(_ words: [String], on connection: SQLiteReadConnection, memory: SearchMemory) throws -> String? {
        var parts: [String] = []
        for word in words {
            guard let part = try matchPart(word, on: connection, memory: memory) else { return nil }
            parts.append(part)
        }
        return parts.joined(separator: " AND ")
    }

    /// `word` as an FTS5 expression, or nil when no indexed word starts with it.
    private static func matchPart(_ word: String, on connection: SQLiteReadConnection, memory: SearchMemory) throws -> String? {
        let terms: [String]
        if let known = memory.expansion(of: word) {
            terms = known
        } else {
            let generation = memory.generation
            var read: [String] = []
            try connection.rows("SELECT term FROM search_terms WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3",
                                binds: [.text(word), .text(word + "\u{10FFFF}"), .integer(Int64(maxExpansion + 1))],
                                keep: true) { row in
                if let term = row.text(0), SearchText.starts(term, with: word) { read.append(term) }
            }
            terms = read
            memory.remember(terms, for: word, readIn: generation)
        }
        if terms.isEmpty { return nil }
        if terms.count > maxExpansion { return "\(quoted(word))*" }
        return "(" + terms.map(quoted).joined(separator: " OR ") + ")"
    }

    /// An FTS5 string: its own double quotes doubled, so nothing in it is syntax.
    private static func quoted(_ word: String) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
