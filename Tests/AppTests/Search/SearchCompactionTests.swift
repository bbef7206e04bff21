@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Merging SQLite's full-text segments (`SQLiteSearchCompaction`): fewer pieces, the same answers,
/// and no merge for a trickle of edits.
@Suite("Search index compaction (SQLite)")
struct SearchCompactionTests {
    /// Due at this small size: more than one segment, any number of records indexed.
    private let eager = SQLiteSearchCompaction.Policy(maxSegments: 1, minRecords: 0, minShare: 0, pagesPerStep: 50)

    private func segments(_ app: Application) async throws -> [Int] {
        var counts: [Int] = []
        for table in SQLiteSearchCompaction.tables {
            counts.append(try await SQLiteSearchCompaction.segments(of: table, on: try app.db.sql()))
        }
        return counts
    }

    private func drain(_ app: Application) async throws {
        try await SearchIndex.drain(on: app.db, writer: app.databaseWriter, memory: app.searchMemory)
    }

    /// `batches` batches of meetings, each indexed in a transaction of its own, as a burst of bookings is.
    /// The tests turn FTS5's own merging off first, so that this leaves the same many segments every time.
    @discardableResult
    private func indexInBatches(_ app: Application, batches: Int, perBatch: Int = 5, from first: Int = 0) async throws -> Student {
        let student = try await Fixtures.student("Ana Lima \(first)", email: "ana\(first)@example.com", on: app)
        for batch in first..<(first + batches) {
            for meeting in 0..<perBatch {
                // Forty words of its own per batch, so that the index spans many pages.
                let notes = meeting % 2 == 0 ? "thesis chapter \(batch) " + (0..<40).map { "word\(batch)x\($0)" }.joined(separator: " ")
                                             : "scholarship essay draft"
                _ = try await SearchCorpus.consultation(for: student, daysAgo: Double(batch * perBatch + meeting) / 24,
                                                        topic: batch % 3 == 0 ? "Thesis review" : "Essay", notes: notes, on: app)
            }
            try await drain(app)
        }
        return student
    }

    /// FTS5 merges small segments by itself when enough pages were written, which depends on the
    /// text; tests that need many segments turn that off.
    private func withoutFTS5sOwnMerging(_ app: Application) async throws {
        for table in SQLiteSearchCompaction.tables {
            try await app.db.sql().raw("INSERT INTO \(ident: table)(\(ident: table), rank) VALUES ('automerge', 0)").run()
        }
    }

    private func merge(_ app: Application, _ policy: SQLiteSearchCompaction.Policy, merging: inout Set<String>,
                       yielding: () async throws -> Bool = { false }) async throws {
        try await SQLiteSearchCompaction.run(on: app.db, writer: app.databaseWriter, memory: app.searchMemory,
                                             merging: &merging, policy: policy, yielding: yielding)
    }

    @Test func aBatchIndexedInOneTransactionIsOneSegmentWhateverOrderItsDatesComeIn() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given: meetings recorded newest first, as an import of past meetings or a sync of
            // history writes them, so that the queue's order (by id) is the reverse of their dates
            try await withoutFTS5sOwnMerging(t.app)
            let student = try await Fixtures.student("Ana Lima", email: "ana@example.com", on: t.app)
            for meeting in 0..<30 {
                _ = try await SearchCorpus.consultation(for: student, daysAgo: Double(meeting), topic: "Thesis review \(meeting)",
                                                        notes: "chapter \(meeting)", on: t.app)
            }

            // when: the 31 records are indexed in one batch
            try await drain(t.app)

            // then: one segment per table, and the meetings are found newest first
            #expect(try await segments(t.app) == [1, 1])
            let found = try await t.freshSearchIDs("thesis")
            #expect(found.count == 30)
        }
    }

    @Test func aScatteredIndexIsMergedIntoOnePieceAndAnswersAlike() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given: an index in many pieces, and what it answers
            try await withoutFTS5sOwnMerging(t.app)
            try await indexInBatches(t.app, batches: 40)
            let before = try await segments(t.app)
            #expect(before.contains { $0 > 2 }, "\(before)")
            let queries = ["thesis", "scholarship+essay", "ess", "review", "ana+th", "chapter+1", "word3x1"]
            var answers: [String: [String]] = [:]
            for query in queries { answers[query] = try await t.freshSearchIDs(query) }
            #expect(answers["thesis"]?.count == 100)

            // when
            var merging = Set<String>()
            try await merge(t.app, eager, merging: &merging)

            // then: one piece per table, nothing left to carry on, the same answers
            let merged = try await segments(t.app)
            #expect(merged == [1, 1], "merged to \(merged)")
            #expect(merging.isEmpty)
            #expect(t.app.searchMemory.indexedSinceMerge == 0)
            for query in queries {
                #expect(try await t.freshSearchIDs(query) == answers[query], "\(query)")
            }
        }
    }

    @Test func aMergeThatYieldsIsCarriedOnWhileIndexingAddsSegments() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given: a scattered index, merged a page at a time
            try await withoutFTS5sOwnMerging(t.app)
            try await indexInBatches(t.app, batches: 40)
            let before = try await segments(t.app)
            let review = try await t.freshSearchIDs("review")
            let slow = SQLiteSearchCompaction.Policy(maxSegments: 1, minRecords: 0, minShare: 0, pagesPerStep: 1)
            var merging = Set<String>()

            // when: each run stops after one step, as a busy server's does, and records are indexed
            // between runs, as they are while a server merges
            try await merge(t.app, slow, merging: &merging) { true }
            #expect(merging == Set(zip(SQLiteSearchCompaction.tables, before).filter { $0.1 > 1 }.map(\.0)), "\(before)")
            var runs = 1
            while !merging.isEmpty && runs < 5_000 {
                // Between runs the merge is still under way, and the metrics say so.
                if runs == 5 { #expect(try await t.metric("crm_search_index_merging") == 1) }
                if runs == 10 { try await indexInBatches(t.app, batches: 1, from: 1_010) }
                try await merge(t.app, slow, merging: &merging) { true }
                runs += 1
            }

            // then: the merge finished, in more than one run, and was carried on, not begun again: the segment indexed meanwhile stands beside what was
            // merged (begun again at each step, the merge would have taken it in and left one)
            #expect(merging.isEmpty)
            #expect(try await t.metric("crm_search_index_merging") == 0)
            #expect(runs > 10, "\(runs)")
            let after = try await segments(t.app)
            #expect(after.allSatisfy { (2...6).contains($0) }, "\(before) → \(after)")
            #expect(try await t.freshSearchIDs("review") == review)
            #expect(try await t.freshSearchIDs("word1010x7").count == 3)
        }
    }

    @Test func aTrickleOfEditsAfterAMergeBeginsNoOther() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given: a merged index, whose small segments FTS5 is told not to merge by itself, so that
            // a trickle of edits surely leaves more than one (whether FTS5's own merging would have
            // done so depends on how many pages the edits wrote)
            try await withoutFTS5sOwnMerging(t.app)
            try await indexInBatches(t.app, batches: 40)
            var merging = Set<String>()
            try await merge(t.app, eager, merging: &merging)
            let merged = try await segments(t.app)
            #expect(merged == [1, 1], "merged to \(merged)")

            // when: twelve edits, each indexed on its own, and the server's own policy is asked
            let student = try await Fixtures.student("Rui Costa", email: "rui@example.com", on: t.app)
            for edit in 0..<12 {
                _ = try await SearchCorpus.consultation(for: student, daysAgo: Double(edit), topic: "Edit \(edit)",
                                                        notes: "note \(edit)", on: t.app)
                try await drain(t.app)
            }
            let scattered = try await segments(t.app)
            #expect(scattered.allSatisfy { $0 > SQLiteSearchCompaction.Policy.standard.maxSegments }, "\(scattered)")
            try await merge(t.app, .standard, merging: &merging)

            // then: 13 records (the meetings and their student) are far from the standard policy's
            // 1,000 and a quarter of the index, so nothing was merged
            #expect(try await segments(t.app) == scattered)
            #expect(merging.isEmpty)
            #expect(t.app.searchMemory.indexedSinceMerge == 13)

            // and: without the records rule the same index is merged, so the rule is what held it
            var unbounded = SQLiteSearchCompaction.Policy.standard
            unbounded.minRecords = 0
            unbounded.minShare = 0
            try await merge(t.app, unbounded, merging: &merging)
            #expect(try await segments(t.app) == [1, 1])
        }
    }

    @Test func aLargeIndexingBeginsAMergeUnderTheServersPolicy() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given: 1,200 records indexed by this process, in small batches, left in many segments
            try await withoutFTS5sOwnMerging(t.app)
            try await indexInBatches(t.app, batches: 240)
            #expect(t.app.searchMemory.indexedSinceMerge >= 1_200)
            let before = try await segments(t.app)
            #expect(before.contains { $0 > SQLiteSearchCompaction.Policy.standard.maxSegments }, "\(before)")
            // The merge is due before it begins: the metrics tell a benchmark or an operator to wait.
            #expect(try await t.metric("crm_search_index_merging") == 1)

            // when
            var merging = Set<String>()
            try await merge(t.app, .standard, merging: &merging)
            #expect(try await t.metric("crm_search_index_merging") == 0)

            // then: every table that had more than the policy's segments is in one piece
            let after = try await segments(t.app)
            for (was, now) in zip(before, after) where was > SQLiteSearchCompaction.Policy.standard.maxSegments {
                #expect(now == 1, "\(before) → \(after)")
            }
        }
    }
}
