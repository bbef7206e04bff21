import Vapor

/// What `serve` does for search beside answering requests: index what writes queued, a second or
/// so after they were made, so that a search seldom has anything to index first. A search still
/// indexes whatever is left, so results never lag behind what was saved.
enum SearchIndexing {
    static let interval: Duration = .seconds(1)

    static func start(_ app: Application) {
        let task = Task {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await indexPending(app)
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

    static func indexPending(_ app: Application) async throws {
        guard try await SearchIndex.hasPending(on: try app.db.sql()) else { return }
        try await SearchIndex.drain(on: app.db, writer: app.databaseWriter, memory: app.searchMemory)
    }
}
