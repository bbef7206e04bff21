import FluentSQLiteDriver
import NIOConcurrencyHelpers
import SQLiteKit
import SQLKit

/// Reads a query's rows in one trip to the database's thread.
///
/// Why: through Fluent, SQLite hands each row back to the event loop as a task of its own (sqlite-nio's
/// futures API), so a query of 60 rows costs 60 wake-ups of the loop. Search indexing reads its
/// records a hundred at a time, and those wake-ups were most of what such a read cost. Here the
/// rows are collected on SQLite's thread (sqlite-nio's async API on the connection) and come back
/// together. PostgreSQL reads as usual.
enum RowReader {
    static func all(_ query: any SQLExpression, on sql: any SQLDatabase) async throws -> [any SQLRow] {
        guard let sqlite = sql as? any SQLiteDatabase else {
            let rows = NIOLockedValueBox<[any SQLRow]>([])
            try await sql.execute(sql: query) { row in rows.withLockedValue { $0.append(row) } }
            return rows.withLockedValue { $0 }
        }
        let (text, binds) = sql.serialize(query)
        let encoder = SQLiteDataEncoder()
        let data = try binds.map { try encoder.encode($0) }
        let rows = NIOLockedValueBox<[SQLiteRow]>([])
        try await sqlite.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.query(text, data) { row in rows.withLockedValue { $0.append(row) } }
            }
        }.get()
        let decoder = SQLiteDataDecoder()
        return rows.withLockedValue { $0 }.map { $0.sql(decoder: decoder) }
    }
}
