import Foundation
import Fluent
import PostgresNIO
import SQLKit

/// The search index: kept current from `search_pending`, which triggers on `students`,
/// `consultations` and `follow_ups` fill whenever searchable text changes (migration
/// `CreateSearchIndex`), so every way of writing those tables (pages, API, webhooks, sync, import,
/// a purge's cascade) reaches the index without the writer knowing about search.
///
/// Draining folds the records' text in Swift (`SearchText`) and writes it to SQLite FTS5 or to
/// PostgreSQL `tsvector`s. A search drains first (up to `Search.maxIndexedFirst` records), so it
/// sees the latest saved text unless a larger backlog waits; `serve` also drains in the
/// background so that a search rarely has anything to wait for.
enum SearchIndex {
    /// Records indexed per batch: the write lock is held only to store a batch's words, which are
    /// worked out before, so a batch this size keeps webhooks waiting for milliseconds at most.
    static let batchSize = 100

    struct Pending: Decodable, Hashable, Sendable {
        let kind: SearchKind
        let ref: UUID
    }

    /// A queue entry as read: `stamp` changes whenever the record is queued again.
    private struct Queued: Decodable, Sendable {
        let kind: SearchKind
        let ref: UUID
        let stamp: Int64
    }

    /// Indexes what is waiting, at most `maxBatches` batches; returns whether the queue was emptied.
    /// `memory` (a server's) learns that indexed words may have been added.
    @discardableResult
    static func drain(on database: any Database, writer: DatabaseWriter, memory: SearchMemory? = nil,
                      maxBatches: Int = .max) async throws -> Bool {
        for _ in 0..<maxBatches {
            let count = try await drainBatch(on: database, writer: writer)
            if count > 0 { memory?.wordsAdded(records: count) }
            if count < batchSize { return true }
        }
        return false
    }

    /// Whether anything waits to be indexed: one indexed read, so a search can skip the writer.
    static func hasPending(on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS one FROM search_pending LIMIT 1").first() != nil
    }

    /// How many records wait to be indexed (`crm_search_pending` in `GET /metrics`).
    static func pendingCount(on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT count(*) AS n FROM search_pending").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// One batch: the queue entries and their records are read and folded into words without any
    /// lock; then, in one short write transaction, each entry is cleared only if its stamp is still
    /// the one read, and only those records' words are stored. An entry queued again meanwhile (its
    /// record changed after it was read) keeps its place for the next batch, so no change is lost
    /// and nothing older overwrites anything newer.
    static func drainBatch(on database: any Database, writer: DatabaseWriter) async throws -> Int {
        let sql = try database.sql()
        let postgres = sql.dialect.name == "postgresql"
        // On PostgreSQL `seq` is the stamp: queuing again takes a new one.
        let queued = try await sql.raw("""
            SELECT kind, ref, \(unsafeRaw: postgres ? "seq" : "stamp") AS stamp FROM search_pending ORDER BY seq LIMIT \(literal: batchSize)
            """).all(decoding: Queued.self)
        guard !queued.isEmpty else { return 0 }
        let records = queued.map { Pending(kind: $0.kind, ref: $0.ref) }
        let documents = try await SearchSources.load(records, on: sql).map(SearchDocument.init)
        try await writer.transaction(on: database) { transaction in
            let sql = try transaction.sql()
            var entries = queued.map { SQLGroupExpression([SQLBind($0.kind.rawValue), SQLBind($0.ref), SQLBind($0.stamp)]) }
            if postgres {
                // Only entries no other transaction holds (a write queuing one again, another
                // instance's indexing): indexing never waits on a row lock, so it cannot deadlock
                // with a write that queues several records; the rest wait for the next batch.
                let free = try await sql.raw("""
                    SELECT kind, ref, seq AS stamp FROM search_pending WHERE (kind, ref, seq) IN (VALUES \(SQLList(entries)))
                    FOR UPDATE SKIP LOCKED
                    """).all(decoding: Queued.self)
                guard !free.isEmpty else { return }
                entries = free.map { SQLGroupExpression([SQLBind($0.kind.rawValue), SQLBind($0.ref), SQLBind($0.stamp)]) }
            }
            let cleared = Set(try await sql.raw("""
                DELETE FROM search_pending WHERE (kind, ref, \(unsafeRaw: postgres ? "seq" : "stamp")) IN (VALUES \(SQLList(entries)))
                RETURNING kind, ref
                """).all(decoding: Pending.self))
            let current = documents.filter { cleared.contains($0.key) }
            if postgres {
                try await PostgresSearchIndex.write(current, replacing: Array(cleared), on: sql)
            } else {
                try await SQLiteSearchIndex.write(current, replacing: Array(cleared), on: sql)
            }
        }
        return queued.count
    }

    /// The records whose text has every word of `words` as the start of one of its words, read,
    /// at most `limit`: those with all of them in their names first (the newest `limit` of those),
    /// then the rest, each newest first, no record twice. On SQLite, `reader` reads them
    /// (`SQLiteReader`).
    static func findSources(_ words: [String], limit: Int, on database: any Database, reader: SQLiteReader?,
                            memory: SearchMemory) async throws -> [SearchSource] {
        guard !words.isEmpty else { return [] }
        guard database is any PostgresDatabase else {
            guard let reader else { throw SQLiteReadError(message: "the app was configured without a SQLite reader") }
            return try await reader.read { connection in
                try SQLiteSearchIndex.findSources(words, limit: limit, on: connection, memory: memory)
            }
        }
        return try await PostgresSearchIndex.findSources(words, limit: limit, on: database).get()
    }
}
