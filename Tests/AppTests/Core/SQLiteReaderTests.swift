@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

/// The app's own read-only SQLite connections (`SQLiteReader`), as fresh searches use them.
@Suite("SQLite reader")
struct SQLiteReaderTests {
    /// What one row's columns read as, by `SearchColumns`.
    struct Read: Equatable, Sendable {
        var id: UUID?, name: String?, notes: String?, phone: String?, archived: Date?, archivedID: UUID?, created: Date?
        var missingFails = false, nameAsIDFails = false, archivedAsTextFails = false
    }

    static func read(_ row: some SearchColumns) -> Read {
        var read = Read()
        read.id = try? row.id("id")
        read.name = try? row.text("name")
        read.notes = try? row.optionalText("notes")
        read.phone = try? row.optionalText("phone")
        read.archived = try? row.optionalDate("archived_at")
        read.archivedID = try? row.optionalID("archived_at")
        read.created = try? row.optionalDate("created_at")
        read.missingFails = (try? row.text("missing")) == nil
        read.nameAsIDFails = (try? row.id("name")) == nil
        read.archivedAsTextFails = (try? row.text("archived_at")) == nil
        return read
    }

    @Test func readsWhatIsCommittedAndDecodesColumnsAsFluentDoes() async throws {
        guard TestApp.postgresURL == nil else { return }
        try await withTestApp { t in
            // given: a student written through Fluent
            let student = try await Fixtures.student("Ana Lindqvist", email: "ana@example.com", on: t.app)
            let reader = try #require(t.app.sqliteReader)

            // when: the row is read by the reader in place, and by Fluent's decoder
            let columns = "id, name, notes, archived_at, created_at, phone"
            let read = try await reader.read { connection in
                var reads: [Read] = []
                try connection.rows("SELECT \(columns) FROM students WHERE id = ?1",
                                    binds: [.text(student.id!.uuidString)]) { row in
                    reads.append(Self.read(SQLiteReadColumns(row: row, positions: SQLiteReadColumns.positions(of: row))))
                }
                return reads
            }
            let fluent = try #require(try await t.app.db.sql().raw("SELECT \(unsafeRaw: columns) FROM students").first())

            // then: the reader sees the committed row, and every column reads as Fluent reads it
            #expect(read == [Self.read(SQLRowColumns(row: fluent))])
            let row = try #require(read.first)
            #expect(row.id == student.id)
            #expect(row.name == "Ana Lindqvist")
            #expect(row.created != nil)
            #expect(row.archived == nil && row.archivedID == nil)
            #expect(row.missingFails && row.nameAsIDFails && row.archivedAsTextFails)
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

            // More distinct kept statements than a connection keeps: the oldest are let go, and
            // each still answers right when asked again.
            let answers = try await reader.read { connection in
                var answers: [Int64] = []
                for round in 0..<2 {
                    for number in 0..<50 {
                        try connection.rows("SELECT \(number) + ?1", binds: [.integer(Int64(round))], keep: true) {
                            answers.append($0.integer(0) ?? -1)
                        }
                    }
                }
                return answers
            }
            let expected: [Int64] = Array(0..<50) + Array(1...50)
            #expect(answers == expected)
        }
    }

    @Test func aConnectionLeftInATransactionIsNotHandedOutAgain() async throws {
        guard TestApp.postgresURL == nil else { return }
        try await withTestApp { t in
            let reader = try #require(t.app.sqliteReader)
            // A job that leaves its read transaction open (as one whose COMMIT and ROLLBACK failed).
            try await reader.read { connection in try connection.rows("BEGIN") { _ in } }
            // The next job gets a connection outside any transaction: BEGIN would fail on the first.
            let idle = try await reader.read { connection in
                let idle = connection.isIdle
                try connection.rows("BEGIN") { _ in }
                try connection.rows("COMMIT") { _ in }
                return idle
            }
            #expect(idle)
        }
    }

    @Test func aDatabaseOutOfReachIsAnOutageNotAFailure() async throws {
        // A file that cannot be opened: the request answers 503 as for sqlite-nio's errors.
        let reader = SQLiteReader(path: "/nonexistent-\(UUID().uuidString)/crm.sqlite")
        do {
            _ = try await reader.read { _ in 1 }
            Issue.record("opened a database in a folder that does not exist")
        } catch {
            #expect(DatabaseOutage.isOutage(error))
        }
        #expect(DatabaseOutage.isOutage(SQLiteReadError(status: 5, message: "database is locked")))
        #expect(!DatabaseOutage.isOutage(SQLiteReadError(message: "no such column")))
        try await reader.shutdown()
    }

    @Test func aReadAskedAfterShutdownFailsInsteadOfWaiting() async throws {
        guard TestApp.postgresURL == nil else { return }
        var reader: SQLiteReader?
        try await withTestApp(database: .sqliteMemory) { t in
            reader = t.app.sqliteReader
            let read = try await t.app.sqliteReader?.read { _ in 7 }
            #expect(read == 7)
        }
        // The app's shutdown stopped the reader's own threads: a late read is refused at once.
        let stopped = try #require(reader)
        // (NIOThreadPool's async jobs report an inactive pool as a cancellation.)
        await #expect(throws: CancellationError.self) {
            try await stopped.read { _ in 7 }
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
