import Fluent
import SQLKit

/// Keeps SQLite's full-text index in few pieces after a large indexing.
///
/// Why: FTS5 stores what each write transaction indexes as a new segment and merges segments only
/// in fours, so an index built in many small batches (a big first indexing, an import) is left in
/// a score of segments, and every query word is looked up in each of them. Over the 200,000
/// meetings of `make bench` a search read 17 to 22 segments a table: merged into one, the same
/// queries cost a quarter of the time (`"student"` 380 µs → 80 µs, `"dead plan"` 720 µs → 180 µs).
///
/// A merge rewrites the whole index (about 100 MB over those meetings, 2 to 3 MB over a mentor's
/// few thousand records), so it is kept for large changes: it begins only when the indexing queue
/// is empty, a table holds more than `Policy.maxSegments`, and this process has indexed, since it
/// last merged, at least `minRecords` records and `minShare` of the index. A trickle of edits,
/// each indexed in a transaction of its own, leaves a segment each, but starts
/// no merge until it adds up to a quarter of the index, so each record costs a few rewrites of
/// its own size, as FTS5's own merging does.
///
/// The merge is FTS5's incremental one, one short write transaction per step so that webhooks
/// wait for one step, not for the whole merge (most steps 5 to 20 ms, the longest seen 190 ms: a
/// step stops only between words). The first step (`'merge'` with a negative page count) puts
/// every segment into one merge; the next ones (a positive count) carry that merge on without
/// starting over, even when indexing added segments meanwhile, until a step finds nothing to do.
/// PostgreSQL's GIN index needs none of this.
enum SQLiteSearchCompaction {
    static let tables = ["search_full", "search_titles"]

    struct Policy: Sendable {
        /// A table with more segments than this may be merged... Every segment is looked in by
        /// every query word, and since a batch is written as one segment (`SQLiteSearchIndex.write`)
        /// FTS5's own merging leaves a large indexing in a few (7 after `make bench`'s 200,000
        /// meetings), which a threshold of 8 left unmerged: fresh searches there answered at 24 to 36%
        /// of the health route's rate, against 39 to 41% from one segment in an earlier run.
        var maxSegments = 1
        /// ...once this process has indexed at least this many records since it last merged...
        var minRecords = 1_000
        /// ...and at least this share of the records the index holds.
        var minShare = 0.25
        /// Pages merged per step: about 10 ms of writing on these machines.
        var pagesPerStep = 50

        static let standard = Policy()
    }

    /// How many segments `table` holds: each segment has at least one row in its `_idx` table.
    static func segments(of table: String, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT count(DISTINCT segid) AS n FROM \(ident: table + "_idx")")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// Whether this process is merging the index, or will once the indexing queue is empty
    /// (`crm_search_index_merging` in `GET /metrics`): 0 means the index is in the shape searches
    /// will keep meeting. Always false on PostgreSQL.
    static func underwayOrDue(memory: SearchMemory, on sql: any SQLDatabase) async throws -> Bool {
        guard sql.dialect.name == "sqlite" else { return false }
        if memory.isMerging { return true }
        return try await !due(.standard, memory: memory, on: sql).isEmpty
    }

    /// The tables a merge should begin on now. The in-memory count is asked first, so an idle
    /// server reads nothing.
    static func due(_ policy: Policy, memory: SearchMemory, on sql: any SQLDatabase) async throws -> [String] {
        let indexed = memory.indexedSinceMerge
        guard indexed > 0, indexed >= policy.minRecords else { return [] }
        var over: [String] = []
        for table in tables where try await segments(of: table, on: sql) > policy.maxSegments {
            over.append(table)
        }
        guard !over.isEmpty, policy.minShare > 0 else { return over }
        let held = try await sql.raw("SELECT count(*) AS n FROM search_documents").first(decodingColumn: "n", as: Int.self) ?? 0
        return Double(indexed) >= policy.minShare * Double(held) ? over : []
    }

    /// One step of merging `table`, in a write transaction of its own; returns whether it merged
    /// anything. FTS5 tells only through the connection's change count, which a step that found
    /// nothing to merge moves by less than two.
    static func step(_ table: String, beginning: Bool, pages: Int, on database: any Database,
                     writer: DatabaseWriter) async throws -> Bool {
        try await writer.transaction(on: database) { transaction in
            let sql = try transaction.sql()
            let changes = { try await sql.raw("SELECT total_changes() AS n").first(decodingColumn: "n", as: Int.self) ?? 0 }
            let before = try await changes()
            try await sql.raw("""
                INSERT INTO \(ident: table)(\(ident: table), rank) VALUES ('merge', \(literal: beginning ? -pages : pages))
                """).run()
            return try await changes() - before >= 2
        }
    }

    /// Begins a merge of every table that is due, and carries on the merges begun (`merging`)
    /// until a step finds nothing left. `yielding` is asked after each step and says whether to
    /// stop for now (requests are waiting); `merging` remembers where the next run takes up.
    static func run(on database: any Database, writer: DatabaseWriter, memory: SearchMemory, merging: inout Set<String>,
                    policy: Policy = .standard, yielding: () async throws -> Bool = { false }) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "sqlite" else { return }
        // However the run ends (done, yielding, failing), the memory says whether a merge is left.
        defer { memory.isMerging = !merging.isEmpty }
        if merging.isEmpty {
            let due = try await due(policy, memory: memory, on: sql)
            guard !due.isEmpty else { return }
            memory.mergeBegan()
            for table in due {
                _ = try await step(table, beginning: true, pages: policy.pagesPerStep, on: database, writer: writer)
                merging.insert(table)
            }
            if try await yielding() { return }
        }
        while let table = merging.sorted().first {
            if try await !step(table, beginning: false, pages: policy.pagesPerStep, on: database, writer: writer) {
                merging.remove(table)
                continue
            }
            if try await yielding() { return }
        }
    }
}
