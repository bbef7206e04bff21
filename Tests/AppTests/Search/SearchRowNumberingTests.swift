@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// SQLite's full-text rows are numbered newest lowest (`SQLiteSearchIndex.base(of:)`), and the
/// migration that renumbers an index made before (`NumberSearchRowsNewestLowest`) loses nothing.
@Suite("Search row numbering (SQLite)")
struct SearchRowNumberingTests {
    @Test func aLaterSecondIsNumberedBelowEveryRowOfAnEarlierOne() {
        let date = Date(timeIntervalSince1970: 1_780_000_000)
        let room = Int64(1) << SQLiteSearchIndex.serialBits
        #expect(SQLiteSearchIndex.base(of: date.addingTimeInterval(1)) + room == SQLiteSearchIndex.base(of: date))
        #expect(SQLiteSearchIndex.base(of: date.addingTimeInterval(0.9)) == SQLiteSearchIndex.base(of: date))
        #expect(SQLiteSearchIndex.base(of: date.addingTimeInterval(86_400 * 365)) < SQLiteSearchIndex.base(of: date))
        // Dates outside what a rowid tells apart share the first or last second, and stay positive.
        #expect(SQLiteSearchIndex.base(of: Date(timeIntervalSince1970: -5)) == SQLiteSearchIndex.base(of: Date(timeIntervalSince1970: 0)))
        #expect(SQLiteSearchIndex.base(of: .distantFuture) >= 0)
    }

    @Test func renumberingAnIndexFindsTheSameRecordsInTheSameOrder() async throws {
        try await withTestApp { t in
            // given: meetings of two students at different dates, indexed
            let ana = try await Fixtures.student("Ana Lima", email: "ana@example.com", on: t.app)
            let ben = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            var meetings: [Consultation] = []
            for (index, days) in [12.0, 3, 40, 1, 25, 7].enumerated() {
                meetings.append(try await SearchCorpus.consultation(for: index % 2 == 0 ? ana : ben, daysAgo: days, topic: "Weekly",
                                                                    notes: "Reviewed the thesis outline.", on: t.app))
            }
            let before = try await t.freshSearchIDs("thesis")
            #expect(before.count == meetings.count)
            // when: the migration runs over the index
            try await NumberSearchRowsNewestLowest().prepare(on: t.app.db)
            // then: nothing waits, every row was numbered anew newest lowest, and a search answers as before
            let sql = try t.app.db.sql()
            #expect(try await sql.raw("SELECT count(*) AS n FROM search_pending").first(decodingColumn: "n", as: Int.self) == 0)
            let rows = try await sql.raw("SELECT ref FROM search_documents WHERE kind = 'consultation' ORDER BY rowid")
                .all().map { try $0.decode(column: "ref", as: UUID.self) }
            let newestFirst = meetings.sorted { $0.consultationDate > $1.consultationDate }.compactMap(\.id)
            #expect(rows == newestFirst)
            #expect(try await t.freshSearchIDs("thesis") == before)
            #expect(before == newestFirst.map { $0.uuidString })
        }
    }
}
