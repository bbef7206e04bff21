import Vapor

/// What `serve` does for search beside answering requests: index what writes queued, a second or
/// so after they were made, so that a search seldom has anything to index first. A search still
/// indexes what is left (up to `Search.maxIndexedFirst`), so results keep up with what was saved.
///
/// Indexing yields to requests: while any are being answered, it indexes one batch a second and
/// leaves the write lock to them the rest of the time; with nothing else to do, it indexes flat
/// out. During a storm of webhook deliveries the queue grows and is worked off once the storm
/// passes, instead of slowing the deliveries: when it indexed up to five batches a second, each
/// group commit of deliveries took about 3 ms to get the write lock and begin, against 2.1 ms now
/// (an instrumented build on the benchmark's data). A search indexes what waits first, up to
/// `Search.maxIndexedFirst` records, so what was saved is still found; a larger backlog (a storm
/// of over 2,000 bookings, an import while pages are in use) is said in the answer (`indexing`)
/// until it is worked off. Once the queue is empty, a SQLite index that a large indexing left in many pieces
/// is merged (`SQLiteSearchCompaction`), yielding alike. On PostgreSQL it first takes every indexed
/// word into the prefix list (`PostgresSearchIndex.takeInIndexedWords`).
enum SearchIndexing {
    static let interval: Duration = .seconds(1)

    static func start(_ app: Application) {
        let task = Task {
            var failing = false
            var merging = Set<String>()
            var wordsTakenIn = false
            while !Task.isCancelled {
                do {
                    if !wordsTakenIn {
                        let sql = try app.db.sql()
                        if sql.dialect.name == "postgresql" { try await PostgresSearchIndex.takeInIndexedWords(on: sql) }
                        wordsTakenIn = true
                    }
                    // Merging waits until a burst is over: begun while records still waited to be
                    // indexed, it rewrote the index again and again (`make bench`: 175 KB written
                    // per webhook delivery instead of 55).
                    if try await indexPending(app) { try await compact(app, merging: &merging) }
                    if failing { app.logger.notice("Search indexing works again.") }
                    failing = false
                } catch {
                    // Said once, not every second while the database is away.
                    if !failing { app.logger.warning("Search indexing will be tried again: \(String(reflecting: error))") }
                    failing = true
                }
                try? await Task.sleep(for: interval)
            }
        }
        app.lifecycle.use(CancelOnShutdown(task: task))
    }

    /// Merges the SQLite index's segments after a large indexing (`SQLiteSearchCompaction`),
    /// yielding to requests as indexing does.
    static func compact(_ app: Application, merging: inout Set<String>) async throws {
        try await SQLiteSearchCompaction.run(on: app.db, writer: app.databaseWriter, memory: app.searchMemory, merging: &merging) {
            Task.isCancelled || app.requestsInFlight.count > 0
        }
    }

    /// Indexes what waits, yielding to requests; returns whether the queue was left empty.
    @discardableResult
    static func indexPending(_ app: Application) async throws -> Bool {
        guard try await SearchIndex.hasPending(on: try app.db.sql()) else { return true }
        while !Task.isCancelled {
            let count = try await SearchIndex.drainBatch(on: app.db, writer: app.databaseWriter)
            if count > 0 { app.searchMemory.wordsAdded(records: count) }
            if count < SearchIndex.batchSize { return true }
            if app.requestsInFlight.count > 0 { return false }
        }
        return false
    }
}
