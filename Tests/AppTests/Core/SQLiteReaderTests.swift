@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

/// The app's own read-only SQLite connections (`SQLiteReader`), as fresh searches use them.
@Suite("SQLite reader")
struct SQLiteReaderTests {
    @Test func readsWhatIsCommittedAndDecodesRowsAsFluentDoes() async throws {
        guard TestApp.postgresURL == nil else { return }
        try await withTestApp { t in
            // given: a student written through Fluent, one field of each kind set or empty
            let student = try await Fixtures.student("Ana Lindqvist", email: "ana@example.com", on: t.app)
            let reader = try #require(t.app.sqliteReader)

            // when: the row is read by the reader, and by Fluent
            let columns = "id, name, notes, archived_at, created_at, phone"
            let read = try await reader.read { connection in
                var rows: [SQLiteValuesRow] = []
                try connection.rows("SELECT \(columns) FROM students WHERE id = ?1",
                                    binds: [.text(student.id!.uuidString)]) { row in
                    rows.append(SQLiteValuesRow(positions: SQLiteValuesRow.positions(of: row), values: row.values))
                }
                return rows
            }
            let fluent = try #require(try await t.app.db.sql().raw("SELECT \(unsafeRaw: columns) FROM students").first())

            // then: the reader sees the committed row, and each column decodes to the same value
            let row = try #require(read.first)
            #expect(read.count == 1)
            #expect(try row.decode(column: "id", as: UUID.self) == fluent.decode(column: "id", as: UUID.self))
            #expect(try row.decode(column: "name", as: String.self) == "Ana Lindqvist")
            #expect(try row.decode(column: "notes", as: String?.self) == fluent.decode(column: "notes", as: String?.self))
            #expect(try row.decode(column: "archived_at", as: Date?.self) == nil)
            #expect(try row.decode(column: "archived_at", as: UUID?.self) == nil)
            #expect(try row.decode(column: "phone", as: String?.self) == fluent.decode(column: "phone", as: String?.self))
            #expect(try row.decode(column: "created_at", as: Date?.self) == fluent.decode(column: "created_at", as: Date?.self))
            #expect(try row.decode(column: "created_at", as: Date?.self) != nil)
            #expect(try row.decodeNil(column: "archived_at"))
            #expect(throws: DecodingError.self) { try row.decode(column: "missing", as: String.self) }
            #expect(throws: (any Error).self) { try row.decode(column: "name", as: UUID.self) }
        }
    }

    @Test func aBadStatementIsAnErrorAndTheConnectionStillServes() async throws {
        guard TestApp.postgresURL == nil else { return }
        try await withTestApp { t in
            let reader = try #require(t.app.sqliteReader)
            await #expect(throws: SQLiteReadError.self) {
                try await reader.read { connection in try connection.rows("SELECT nope FROM nowhere") { _ in } }
            }
            // A reader cannot write: its connections are opened read-only.
            await #expect(throws: SQLiteReadError.self) {
                try await reader.read { connection in try connection.rows("DELETE FROM students") { _ in } }
            }
            let count = try await reader.read { connection in
                var count: Int64?
                for _ in 0..<3 {
                    try connection.rows("SELECT count(*) FROM students", keep: true) { count = $0.integer(0) }
                }
                return count
            }
            #expect(count == 0)
        }
    }

    @Test func anInMemoryDatabaseLeavesNoFileBehind() async throws {
        guard TestApp.postgresURL == nil else { return }
        var path: String?
        try await withTestApp(database: .sqliteMemory) { t in
            path = try await t.app.sqliteReader?.read { connection in connection.path }
            #expect(path.map { FileManager.default.fileExists(atPath: $0) } == true)
        }
        let file = try #require(path)
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(!FileManager.default.fileExists(atPath: file + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: file + "-shm"))
    }
}
