import Foundation
import Fluent
import SQLKit

/// The search index: kept current from `search_pending`, which triggers on `students`,
/// `consultations` and `follow_ups` fill whenever searchable text changes (migration
/// `CreateSearchIndex`), so every way of writing those tables (pages, API, webhooks, sync, import,
/// a purge's cascade) reaches the index without the writer knowing about search.
///
/// Draining folds the records' text in Swift (`SearchText`) and writes it to SQLite FTS5 or to
/// PostgreSQL `tsvector`s. A search drains first, so it always sees the latest saved text; `serve`
/// also drains in the background so that a search rarely has anything to wait for.
enum SearchIndex {
    /// Records indexed per transaction.
    static let batchSize = 500

    struct Pending: Decodable, Hashable, Sendable {
        let kind: SearchKind
        let ref: UUID
    }

    /// Indexes everything waiting; returns how many records it indexed or removed.
    /// `memory` (a server's) learns that indexed words may have been added.
    @discardableResult
    static func drain(on database: any Database, writer: DatabaseWriter, memory: SearchMemory? = nil) async throws -> Int {
        var total = 0
        while true {
            let count = try await writer.transaction(on: database) { try await drainBatch(try $0.sql()) }
            total += count
            if count > 0 { memory?.wordsAdded() }
            if count < batchSize { return total }
        }
    }

    /// Whether anything waits to be indexed: one indexed read, so a search can skip the writer.
    static func hasPending(on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS one FROM search_pending LIMIT 1").first() != nil
    }

    /// One batch, in the caller's transaction. On PostgreSQL the rows are locked (`SKIP LOCKED`, so
    /// instances share the work), and a write that queues one of them again waits for this
    /// transaction and queues it anew; on SQLite the writer lock keeps writes out meanwhile. Either
    /// way no change is lost between reading a record and clearing its queue entry.
    static func drainBatch(_ sql: any SQLDatabase) async throws -> Int {
        let postgres = sql.dialect.name == "postgresql"
        let pending = try await sql.raw("""
            SELECT kind, ref FROM search_pending ORDER BY seq LIMIT \(literal: batchSize)\(unsafeRaw: postgres ? " FOR UPDATE SKIP LOCKED" : "")
            """).all(decoding: Pending.self)
        guard !pending.isEmpty else { return 0 }
        var sources: [SearchSource] = []
        for kind in SearchKind.allCases {
            let ids = pending.filter { $0.kind == kind }.map(\.ref)
            sources += try await SearchSources.load(kind, ids: ids, on: sql)
        }
        if postgres {
            try await PostgresSearchIndex.write(sources, replacing: pending, on: sql)
        } else {
            try await SQLiteSearchIndex.write(sources, replacing: pending, on: sql)
        }
        for kind in SearchKind.allCases {
            let ids = pending.filter { $0.kind == kind }.map(\.ref)
            guard !ids.isEmpty else { continue }
            try await sql.raw("DELETE FROM search_pending WHERE kind = \(bind: kind.rawValue) AND ref IN (\(binds: ids))").run()
        }
        return pending.count
    }

    /// The records whose text has every word of `words` as the start of one of its words: those
    /// with all of them in their names first, then the rest, each newest first.
    static func find(_ words: [String], limit: Int, on sql: any SQLDatabase, memory: SearchMemory) async throws -> [Pending] {
        guard !words.isEmpty else { return [] }
        if sql.dialect.name == "postgresql" {
            return try await PostgresSearchIndex.find(words, limit: limit, on: sql)
        }
        return try await SQLiteSearchIndex.find(words, limit: limit, on: sql, memory: memory)
    }

    /// Names first, then the rest, without repeats, at most `limit`.
    static func ranked(names: [Pending], all: [Pending], limit: Int) -> [Pending] {
        var seen = Set(names)
        var ranked = Array(names.prefix(limit))
        for hit in all where ranked.count < limit && seen.insert(hit).inserted {
            ranked.append(hit)
        }
        return ranked
    }
}
