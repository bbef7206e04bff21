@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// `serve --calendly-sandbox` on a fresh database adds a demo notebook so Today shows what it is for.
@Suite("Demo notebook")
struct DemoNotebookTests {
    @Test func aFreshDatabaseGetsANotebookThatFillsTodaysOwnSections() async throws {
        try await withTestApp { t in
            // when
            let seeded = try await DemoNotebook.seedIfEmpty(t.app)
            let summary = try await TodaySummary.load(now: Date(), zone: .gmt, attentionAfterDays: 30, seenSince: nil, on: t.app.db)
            // then
            #expect(seeded)
            #expect(!summary.needsNotes.isEmpty)
            #expect(summary.followUpsDue.count == 3)
            #expect(summary.attention.map(\.name) == ["Priya Natarajan"])
            #expect(summary.attendance.contains { $0.held > 0 } && summary.attendance.contains { $0.noShow > 0 })
            #expect(try await FollowUp.query(on: t.app.db).filter(\.$doneAt == nil).count() == 4)
        }
    }

    @Test func aDatabaseWithStudentsIsLeftAlone() async throws {
        try await withTestApp { t in
            // given
            try await Fixtures.student(on: t.app)
            // when
            let seeded = try await DemoNotebook.seedIfEmpty(t.app)
            // then
            #expect(!seeded)
            #expect(try await Student.query(on: t.app.db).count() == 1)
        }
    }
}
