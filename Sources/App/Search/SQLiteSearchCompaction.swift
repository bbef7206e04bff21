import Fluent
import SQLKit

/// Keeps SQLite's full-text index in few pieces.
///
/// Why: FTS5 stores what each write transaction indexes as a new segment and merges segments only
/// in fours, so an index built in many small batches (a big first indexing, an import, a webhook
/// storm) is left in a score of segments, and every query word is looked up in each of them. Over
/// the 200,000 meetings of `make bench` a search read 19 segments: merged into one, the same
/// queries cost a quarter of the time (`"student"` 380 µs → 80 µs, `"dead plan"` 720 µs → 180 µs).
///
/// Merging is FTS5's own incremental merge (`'merge'` with a negative page count: every segment
/// counts, as an optimize done in steps), one short write transaction per step so that webhooks
/// wait for milliseconds, not for the whole merge. A merge rewrites the whole index (about 100 MB
/// over those 200,000 meetings), so it starts only once the indexing queue is empty (a burst is
/// over) and a table holds more than `maxSegments`, which a steady trickle of bookings seldom
/// reaches. PostgreSQL's GIN index needs none of this.
enum SQLiteSearchCompaction {
    static let tables = ["search_full", "search_titles"]
    /// Merging begins when a table has more segments than this, and goes on until it has one.
    static let maxSegments = 8
    /// Pages merged per step: about 10 ms of writing on these machines.
    static let pagesPerStep = 50

    /// How many segments `table` holds: each segment has at least one row in its `_idx` table.
    static func segments(of table: String, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT count(DISTINCT segid) AS n FROM \(ident: table + "_idx")")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// The first table that is due a merge: more than `above` segments, or, once merging began
    /// (`merging`), more than one.
    static func due(above: Int = maxSegments, merging: Set<String>, on sql: any SQLDatabase) async throws -> String? {
        for table in tables {
            let count = try await segments(of: table, on: sql)
            if count > above || (merging.contains(table) && count > 1) { return table }
        }
        return nil
    }

    /// One step of merging `table`, in a write transaction of its own.
    static func step(_ table: String, on database: any Database, writer: DatabaseWriter) async throws {
        try await writer.transaction(on: database) { transaction in
            try await transaction.sql().raw("""
                INSERT INTO \(ident: table)(\(ident: table), rank) VALUES ('merge', \(literal: -pagesPerStep))
                """).run()
        }
    }

    /// Merges every table that is due until it is one segment. `yielding` is asked between steps
    /// and says whether to stop for now (requests are waiting); what is left is taken up next time,
    /// as `merging` remembers which tables were being merged.
    static func run(on database: any Database, writer: DatabaseWriter, merging: inout Set<String>, above: Int = maxSegments,
                    yielding: () async throws -> Bool = { false }) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "sqlite" else { return }
        while let table = try await due(above: above, merging: merging, on: sql) {
            merging.insert(table)
            try await step(table, on: database, writer: writer)
            if try await segments(of: table, on: sql) <= 1 { merging.remove(table) }
            if try await yielding() { return }
        }
        merging.removeAll()
    }
}
