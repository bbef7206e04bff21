import Fluent
import SQLKit
import Vapor

/// Runs write transactions so that they never fail because another request is writing.
///
/// SQLite allows one writer at a time, and a deferred transaction that reads and then writes fails
/// at once with SQLITE_BUSY_SNAPSHOT when another connection committed in between (the busy handler
/// is not consulted for that upgrade). So on SQLite a write transaction takes this process's writer
/// lock, then `BEGIN IMMEDIATE`, which claims the database's write lock before the first read and
/// waits (busy handler) for single-statement writers elsewhere, such as session updates or another
/// `crm` process. PostgreSQL handles concurrent writers itself.
struct DatabaseWriter: Sendable {
    let lock: AsyncLock?

    func transaction<T: Sendable>(on database: any Database, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let lock else { return try await database.transaction(body) }
        return try await lock.withLock {
            try await database.withConnection { connection in
                let sql = try connection.sql()
                try await sql.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(connection)
                    try await sql.raw("COMMIT").run()
                    return result
                } catch {
                    try? await sql.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
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
