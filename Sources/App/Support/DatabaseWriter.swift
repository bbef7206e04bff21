import Fluent
import Vapor

/// Runs write transactions so that they never fail because another request is writing.
///
/// SQLite allows one writer at a time, and a deferred transaction that reads and then writes fails
/// with SQLITE_BUSY at once when another connection wrote meanwhile (the busy handler is not consulted
/// for that upgrade). So on SQLite every write transaction in this process takes one lock first.
/// PostgreSQL handles concurrent writers itself and gets no lock.
struct DatabaseWriter: Sendable {
    let lock: AsyncLock?

    func transaction<T: Sendable>(on database: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let lock else { return try await database.transaction(body) }
        return try await lock.withLock { try await database.transaction(body) }
    }
}

extension Application {
    private struct DatabaseWriterKey: StorageKey { typealias Value = DatabaseWriter }

    var databaseWriter: DatabaseWriter {
        get { storage[DatabaseWriterKey.self] ?? DatabaseWriter(lock: nil) }
        set { storage[DatabaseWriterKey.self] = newValue }
    }
}

extension Request {
    /// `try await req.write { db in ... }` runs `body` in a write transaction.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.databaseWriter.transaction(on: db, body)
    }
}
