import Vapor

extension Application {
    private struct SQLiteReaderKey: StorageKey { typealias Value = SQLiteReader }

    /// The app's own read-only connections to its SQLite file; nil on PostgreSQL.
    var sqliteReader: SQLiteReader? {
        get { storage[SQLiteReaderKey.self] }
        set { storage[SQLiteReaderKey.self] = newValue }
    }
}

/// Closes the reader's connections and stops its threads when the app shuts down.
struct CloseOnShutdown: LifecycleHandler {
    let reader: SQLiteReader

    func shutdownAsync(_ application: Application) async {
        do {
            try await reader.shutdown()
        } catch {
            application.logger.warning("Stopping the SQLite readers' threads failed: \(String(describing: error))")
        }
    }
}
