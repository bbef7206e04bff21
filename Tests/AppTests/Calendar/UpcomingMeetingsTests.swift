@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Upcoming meetings API")
struct UpcomingMeetingsTests {
    @Test func listsScheduledNotEndedSoonestFirst() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let later = try await Fixtures.consultation(for: student, startsIn: 7200, on: t.app)
            let sooner = try await Fixtures.consultation(for: student, startsIn: 600, on: t.app)
            let running = try await Fixtures.consultation(for: student, startsIn: -600, duration: 30, on: t.app)
            try await Fixtures.consultation(for: student, startsIn: -7200, duration: 30, on: t.app)
            try await Fixtures.consultation(for: student, startsIn: 900, status: .canceled, on: t.app)
            // when
            let response = try await t.app.testing().sendRequest(.GET, "/api/calendar/meetings/upcoming", headers: t.bearer)
            // then
            let meetings = try #require(try response.json()["meetings"] as? [[String: Any]])
            let ids = meetings.compactMap { $0["id"] as? String }
            #expect(ids == [running, sooner, later].map { $0.id!.uuidString })
        }
    }

    @Test func filtersAndLimit() async throws {
        try await withTestApp { t in
            let ada = try await Fixtures.student("Ada", email: "ada@example.com", on: t.app)
            let alan = try await Fixtures.student("Alan", email: "alan@example.com", on: t.app)
            try await Fixtures.consultation(for: ada, startsIn: 600, on: t.app)
            try await Fixtures.consultation(for: ada, startsIn: 1200, status: .canceled, on: t.app)
            try await Fixtures.consultation(for: alan, startsIn: 1800, on: t.app)
            let tester = try t.app.testing()
            let limited = try await tester.sendRequest(.GET, "/api/calendar/meetings/upcoming?limit=1", headers: t.bearer)
            #expect((try limited.json()["meetings"] as? [Any])?.count == 1)
            let byStudent = try await tester.sendRequest(.GET, "/api/calendar/meetings/upcoming?student_id=\(try alan.requireID())", headers: t.bearer)
            #expect((try byStudent.json()["meetings"] as? [[String: Any]])?.first?["student_name"] as? String == "Alan")
            let withCanceled = try await tester.sendRequest(.GET, "/api/calendar/meetings/upcoming?include_canceled=true", headers: t.bearer)
            #expect((try withCanceled.json()["meetings"] as? [Any])?.count == 3)
            let bad = try await tester.sendRequest(.GET, "/api/calendar/meetings/upcoming?include_canceled=perhaps", headers: t.bearer)
            #expect(bad.status == .badRequest)
        }
    }
}
