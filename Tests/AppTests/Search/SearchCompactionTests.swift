@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Merging SQLite's full-text segments (`SQLiteSearchCompaction`): fewer pieces, the same answers.
@Suite("Search index compaction (SQLite)")
struct SearchCompactionTests {
    private func ids(_ t: TestApp, _ query: String) async throws -> [String] {
        var headers = t.bearer
        headers.add(name: .cacheControl, value: "no-cache")
        let response = try await t.app.testing().sendRequest(.GET, "/api/search?q=\(query)&limit=100", headers: headers)
        #expect(response.status == .ok)
        return (try response.json()["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    private func segments(_ app: Application) async throws -> [Int] {
        var counts: [Int] = []
        for table in SQLiteSearchCompaction.tables {
            counts.append(try await SQLiteSearchCompaction.segments(of: table, on: try app.db.sql()))
        }
        return counts
    }

    /// 40 batches of meetings, each indexed in a transaction of its own, as a burst of bookings is.
    private func indexInManyBatches(_ app: Application) async throws {
        let student = try await Fixtures.student("Ana Lima", email: "ana@example.com", on: app)
        for batch in 0..<40 {
            for meeting in 0..<5 {
                let notes = meeting % 2 == 0 ? "thesis chapter \(batch)" : "scholarship essay draft"
                _ = try await SearchCorpus.consultation(for: student, daysAgo: Double(batch * 5 + meeting) / 24,
                                                        topic: batch % 3 == 0 ? "Thesis review" : "Essay", notes: notes, on: app)
            }
            try await SearchIndex.drain(on: app.db, writer: app.databaseWriter, memory: app.searchMemory)
        }
    }

    @Test func aScatteredIndexIsMergedIntoOnePieceAndAnswersAlike() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given: an index in many pieces, and what it answers
            try await indexInManyBatches(t.app)
            let before = try await segments(t.app)
            #expect(before.allSatisfy { $0 > 2 }, "\(before)")
            let queries = ["thesis", "scholarship+essay", "ess", "review", "ana+th", "chapter+1"]
            var answers: [String: [String]] = [:]
            for query in queries { answers[query] = try await ids(t, query) }
            #expect(answers["thesis"]?.count == 100)

            // when: merged (the threshold lowered so that this small index is due)
            var merging = Set<String>()
            try await SQLiteSearchCompaction.run(on: t.app.db, writer: t.app.databaseWriter, merging: &merging, above: 2)

            // then: one piece per table, nothing left marked as merging, the same answers
            #expect(try await segments(t.app) == [1, 1])
            #expect(merging.isEmpty)
            for query in queries {
                #expect(try await ids(t, query) == answers[query], "\(query)")
            }
        }
    }

    @Test func anIndexInFewPiecesIsLeftAlone() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given
            try await indexInManyBatches(t.app)
            let before = try await segments(t.app)

            // when: the threshold is above what the index holds
            var merging = Set<String>()
            try await SQLiteSearchCompaction.run(on: t.app.db, writer: t.app.databaseWriter, merging: &merging,
                                                 above: before.max()!)

            // then
            #expect(try await segments(t.app) == before)
        }
    }

    @Test func mergingThatYieldsIsTakenUpWhereItStopped() async throws {
        try await withTestApp(database: .sqliteMemory) { t in
            // given
            try await indexInManyBatches(t.app)
            let answer = try await ids(t, "scholarship")

            // when: each run stops after one step, as a busy server's does
            var merging = Set<String>()
            var runs = 0
            repeat {
                try await SQLiteSearchCompaction.run(on: t.app.db, writer: t.app.databaseWriter, merging: &merging, above: 2) { true }
                runs += 1
            } while try await segments(t.app) != [1, 1] && runs < 1_000

            // then: more than one run was needed, and the merge finished all the same
            #expect(runs > 1)
            #expect(try await segments(t.app) == [1, 1])
            #expect(try await ids(t, "scholarship") == answer)
        }
    }
}
