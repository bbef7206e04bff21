import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLiteNIO
import Vapor
// sqlite-nio's own build of SQLite (its symbols carry a `sqlite_nio_` prefix): the same library as
// the app's other connections, which SQLite's file locking within one process relies on.
import VaporCSQLite

/// Read-only connections of the server's own to its SQLite file, for the hottest read, a search
/// run afresh.
///
/// Why not through Fluent: sqlite-nio prepares every statement anew, and a query through Fluent
/// goes from the event loop to a task, to the connection pool, to SQLite's thread and back through
/// each of them. In a profile of fresh searches that was more of the server's time than SQLite's own
/// work. Here one job on the thread pool takes a connection, runs what it needs with statements
/// kept from earlier jobs, and builds its answer there; the event loop gets the finished answer.
///
/// WAL keeps these readers from blocking the app's writer, and each statement reads a consistent
/// snapshot of what was committed when it started.
///
/// The jobs run on threads of the reader's own, half the cores and at least one, not on the app's
/// shared pool (as many threads as cores). There, two searches at once took both cores of a 2-core
/// machine from the event loops, which read the requests and send the answers, and the slowest
/// answers waited behind them. With one thread of its own, fresh searches of `make bench`'s merged
/// index under 32 connections had a p99 of 12.9 to 15.6 ms against 14.6 to 21.2 ms on the shared
/// pool, at the same rate (three rounds of the two builds taking turns).
final class SQLiteReader: Sendable {
    private let path: String
    private let threadPool: NIOThreadPool
    private let idle = NIOLockedValueBox<(open: Bool, connections: [SQLiteReadConnection])>((true, []))

    static var defaultThreadCount: Int { max(1, System.coreCount / 2) }

    /// Starts `threadCount` threads for the reader's jobs; `shutdown` stops them.
    init(path: String, threadCount: Int = SQLiteReader.defaultThreadCount) {
        self.path = path
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, threadCount))
        threadPool.start()
    }

    /// Runs `body` on the thread pool with a connection of its own, answering on `eventLoop`.
    func read<Value: Sendable>(on eventLoop: any EventLoop,
                               _ body: @escaping @Sendable (SQLiteReadConnection) throws -> Value) -> EventLoopFuture<Value> {
        threadPool.runIfActive(eventLoop: eventLoop) { try self.withConnection(body) }
    }

    /// `read` for async callers.
    func read<Value: Sendable>(_ body: @escaping @Sendable (SQLiteReadConnection) throws -> Value) async throws -> Value {
        try await threadPool.runIfActive { try self.withConnection(body) }
    }

    /// Closes the connections and stops the threads once the jobs begun have ended; a read asked
    /// after it fails (a `CancellationError`) instead of waiting.
    func shutdown() async throws {
        close()
        try await threadPool.shutdownGracefully()
    }

    /// Closes the idle connections; a connection in use is closed when its job returns it.
    private func close() {
        let connections = idle.withLockedValue { state in
            state.open = false
            defer { state.connections = [] }
            return state.connections
        }
        connections.forEach { $0.close() }
    }

    private func withConnection<Value>(_ body: (SQLiteReadConnection) throws -> Value) throws -> Value {
        let connection = try idle.withLockedValue { $0.connections.popLast() } ?? SQLiteReadConnection(path: path)
        defer {
            // A connection left inside a transaction (its COMMIT and ROLLBACK both failed) would
            // keep an old snapshot, and the WAL could not be checkpointed past it: it is closed.
            let reusable = connection.isIdle
            let kept = reusable && idle.withLockedValue { state in
                if state.open { state.connections.append(connection) }
                return state.open
            }
            if !kept { connection.close() }
        }
        return try body(connection)
    }
}

/// A value bound to a statement.
enum SQLiteReadValue: Sendable {
    case text(String)
    case integer(Int64)
}

/// One read-only SQLite connection, used by one thread at a time (`SQLiteReader` hands it out).
///
/// Statements asked for with `keep` stay prepared for the next job (reset, their bindings cleared):
/// preparing is a good part of a small query's cost. Others are prepared and finalized each time.
final class SQLiteReadConnection: @unchecked Sendable {
    // Unchecked: a connection is only ever used by the one job that took it from `SQLiteReader`.
    private var handle: OpaquePointer?
    private var kept: [String: OpaquePointer] = [:]
    /// The kept statements' texts, least recently used first.
    private var keptOrder: [String] = []
    /// The database file read.
    let path: String
    /// Statements kept at most; past it, the least recently used is finalized.
    private static let maxKept = 32

    init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "status \(status)"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteReadError(status: status, message: "cannot open \(path) to read: \(message)")
        }
        self.handle = handle
        self.path = path
        // A reader waits for a checkpoint or a rollback journal's writer rather than failing.
        sqlite_nio_sqlite3_busy_timeout(handle, 10_000)
    }

    /// Whether the connection is outside any transaction, as a job leaves it.
    var isIdle: Bool { handle.map { sqlite_nio_sqlite3_get_autocommit($0) != 0 } ?? false }

    func close() {
        kept.values.forEach { sqlite_nio_sqlite3_finalize($0) }
        kept = [:]
        keptOrder = []
        sqlite_nio_sqlite3_close(handle)
        handle = nil
    }

    deinit { if handle != nil { close() } }

    /// Steps `sql` with `binds`, handing each row to `row` (valid only during that call).
    func rows(_ sql: String, binds: [SQLiteReadValue] = [], keep: Bool = false,
              _ row: (SQLiteReadRow) throws -> Void) throws {
        let statement = try prepared(sql, keep: keep)
        defer {
            if keep {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            } else {
                sqlite_nio_sqlite3_finalize(statement)
            }
        }
        for (index, value) in binds.enumerated() {
            let position = Int32(index + 1)
            let status: Int32
            switch value {
            case .text(let text):
                status = sqlite_nio_sqlite3_bind_text64(statement, position, text, UInt64(text.utf8.count),
                                                        transientDestructor, UInt8(SQLITE_UTF8))
            case .integer(let number):
                status = sqlite_nio_sqlite3_bind_int64(statement, position, number)
            }
            try check(status)
        }
        let reader = SQLiteReadRow(statement: statement)
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status) }
            try row(reader)
        }
    }

    /// Runs `body` in one read transaction, so its statements all see the same snapshot.
    func inSnapshot<Value>(_ body: () throws -> Value) throws -> Value {
        try rows("BEGIN", keep: true) { _ in }
        // Always ended, even when `body` throws: a reader left in a transaction would keep its
        // snapshot, and a checkpoint could not get past it.
        defer {
            if (try? rows("COMMIT", keep: true) { _ in }) == nil { try? rows("ROLLBACK", keep: true) { _ in } }
        }
        return try body()
    }

    private func prepared(_ sql: String, keep: Bool) throws -> OpaquePointer {
        if keep, let statement = kept[sql] {
            // Most recently used last, so the statements a search runs every time are never let go.
            if keptOrder.last != sql, let position = keptOrder.firstIndex(of: sql) {
                keptOrder.append(keptOrder.remove(at: position))
            }
            return statement
        }
        var statement: OpaquePointer?
        let flags = keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        try check(sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil))
        guard let statement else { throw SQLiteReadError(status: SQLITE_MISUSE, message: "empty statement") }
        if keep {
            if kept.count >= Self.maxKept, !keptOrder.isEmpty {
                let oldest = keptOrder.removeFirst()
                kept.removeValue(forKey: oldest).map { _ = sqlite_nio_sqlite3_finalize($0) }
            }
            kept[sql] = statement
            keptOrder.append(sql)
        }
        return statement
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw error(status) }
    }

    private func error(_ status: Int32) -> SQLiteReadError {
        let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? ""
        return SQLiteReadError(status: status, message: "SQLite status \(status): \(message)")
    }
}

/// SQLite copies bound text before the bind call returns.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

struct SQLiteReadError: Error, CustomStringConvertible {
    /// SQLite's result code (`SQLITE_ERROR` for what the app itself found wrong).
    var status: Int32 = SQLITE_ERROR
    let message: String
    var description: String { "SQLiteReadError: \(message)" }

    /// Whether the database cannot be used at all (busy past the wait, locked, unreadable, gone,
    /// full, not allowed), as `DatabaseOutage` reads sqlite-nio's errors: then the request answers
    /// 503, not 500.
    var meansOutage: Bool {
        [SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_PERM]
            .contains(status & 0xFF)
    }
}

/// The current row of a statement being stepped, read by column position.
struct SQLiteReadRow {
    fileprivate let statement: OpaquePointer

    var columnCount: Int32 { sqlite_nio_sqlite3_column_count(statement) }

    func name(_ column: Int32) -> String {
        sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    /// The column as text (SQLite converts a number), nil when NULL.
    func text(_ column: Int32) -> String? {
        isNull(column) ? nil : utf8(column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The column as a UUID when it is text in the canonical 36-character form (`UUIDText`),
    /// read from SQLite's bytes without making a string; nil otherwise.
    func canonicalUUID(_ column: Int32) -> UUID? {
        guard sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_TEXT else { return nil }
        return utf8(column).flatMap(UUIDText.parse(utf8:))
    }

    /// The column's text as SQLite holds it, valid until the next step (the length is asked after
    /// the text, as SQLite requires).
    private func utf8(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))
    }

    func integer(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite_nio_sqlite3_column_int64(statement, column)
    }

    /// The column as sqlite-nio would hand it over.
    func data(_ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(text(column) ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default: return .null
        }
    }
}
