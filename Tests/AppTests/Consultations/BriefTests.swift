@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// The brief before a meeting (SPEC 10) and the rules of "held".
@Suite("Brief")
struct BriefTests {
    private static let day: TimeInterval = 24 * 3600

    @Test func previousAreTheThreeLatestEarlierHeldOrMarkedMeetingsNewestFirst() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let next = try await Fixtures.consultation(for: student, startsIn: 2 * Self.day, on: t.app)
            for (days, status, topic) in [(-50.0, ConsultationStatus.completed, "oldest held"), (-40, .noShow, "missed"), (-30, .canceled, "canceled"),
                                          (-20, .rescheduled, "moved"), (-10, .completed, "recent held"), (-5, .completed, "latest held")] {
                let c = try await Fixtures.consultation(for: student, startsIn: days * Self.day, status: status, on: t.app)
                c.topic = topic
                try await c.save(on: t.app.db)
            }
            try await Fixtures.consultation(for: student, startsIn: 9 * Self.day, status: .completed, on: t.app) // later than `next`
            // when
            let brief = try #require(try await ConsultationBrief.load(try next.requireID(), zone: .gmt, on: t.app.db))
            // then
            #expect(brief.previous.map(\.topic) == ["latest held", "recent held", "missed"])
            #expect(brief.attendance == .init(completed: 4, noShow: 1, canceled: 1, rescheduled: 1))
            #expect(brief.daysSinceLastMeeting == 5)
            #expect(!brief.isFirstMeeting)
        }
    }

    @Test func aFirstMeetingSaysSo() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let first = try await Fixtures.consultation(for: student, startsIn: Self.day, on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            // when
            let json = try await t.app.testing().sendRequest(.GET, "/api/consultations/\(try first.requireID())/brief", headers: t.bearer).json()
            let page = try await browser.get("/consultations/\(try first.requireID())").body.string
            // then
            #expect(json["first_meeting"] as? Bool == true && json["days_since_last_meeting"] is NSNull)
            #expect((json["previous"] as? [Any])?.isEmpty == true)
            #expect(page.contains("id=\"brief-first\"") && !page.contains("id=\"brief-last-time\""))
        }
    }

    @Test func daysAreCountedInTheOwnersZoneAcrossADaylightSavingChange() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // 23:30 on Saturday 28 March 2026 in Berlin; clocks go forward at 02:00 on Sunday 29 March.
        let saturdayNight = ISO8601DateFormatter().date(from: "2026-03-28T22:30:00Z")!
        let mondayMorning = ISO8601DateFormatter().date(from: "2026-03-30T06:00:00Z")!
        #expect(ConsultationBrief.days(from: saturdayNight, to: mondayMorning, in: berlin) == 2)
        // The same instants are Saturday and Monday in UTC too, but 23:30 UTC on Sunday is already Monday in Berlin.
        let sundayLateUTC = ISO8601DateFormatter().date(from: "2026-03-29T23:30:00Z")!
        #expect(ConsultationBrief.days(from: saturdayNight, to: sundayLateUTC, in: berlin) == 2)
        #expect(ConsultationBrief.days(from: saturdayNight, to: sundayLateUTC, in: .gmt) == 1)
        #expect(ConsultationBrief.nextMidnight(after: saturdayNight, in: berlin) == ISO8601DateFormatter().date(from: "2026-03-28T23:00:00Z")!)
    }

    @Test func theCachedBriefFollowsChanges() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let next = try await Fixtures.consultation(for: student, startsIn: Self.day, on: t.app)
            let path = "/api/consultations/\(try next.requireID())/brief"
            let before = try await t.app.testing().sendRequest(.GET, path, headers: t.bearer).json()
            // when
            let added = try await t.app.testing().sendRequest(.POST, "/api/follow-ups", headers: t.bearer,
                body: try jsonBody(["student_id": try student.requireID().uuidString, "text": "Bring the draft"]))
            let after = try await t.app.testing().sendRequest(.GET, path, headers: t.bearer).json()
            // then
            #expect(added.status == .created)
            #expect((before["open_follow_ups"] as? [Any])?.count == 0)
            #expect((after["open_follow_ups"] as? [[String: Any]])?.first?["text"] as? String == "Bring the draft")
            #expect(try await t.app.testing().sendRequest(.GET, "/api/consultations/\(UUID())/brief", headers: t.bearer).status == .notFound)
            #expect(try await t.app.testing().sendRequest(.GET, "/api/consultations/nope/brief", headers: t.bearer).status == .badRequest)
        }
    }

    @Test func aMeetingLoggedByHandAfterItBeganStartsAsHeld() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            // when
            let past = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: try jsonBody([
                "student_id": try student.requireID().uuidString, "type": "Mentoring", "consultation_date": "2024-01-02T10:00:00Z", "duration": 30]))
            let future = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: try jsonBody([
                "student_id": try student.requireID().uuidString, "type": "Mentoring", "consultation_date": "2031-01-02T10:00:00Z", "duration": 30]))
            let saidScheduled = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: try jsonBody([
                "student_id": try student.requireID().uuidString, "type": "Mentoring", "consultation_date": "2024-01-03T10:00:00Z", "duration": 30,
                "status": "scheduled"]))
            // then
            #expect(try past.json()["status"] as? String == "completed")
            #expect(try future.json()["status"] as? String == "scheduled")
            #expect(try saidScheduled.json()["status"] as? String == "scheduled")
        }
    }

    @Test func aCanceledFutureMeetingIsShownAsCanceledNotUnderPast() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let canceled = try await Fixtures.consultation(for: student, startsIn: 3 * Self.day, status: .canceled, on: t.app)
            let ended = try await Fixtures.consultation(for: student, startsIn: -3 * Self.day, on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            // when
            let html = try await browser.get("/students/\(try student.requireID())").body.string
            // then
            let upcoming = try #require(html.range(of: "<h2>Upcoming consultations</h2>"))
            let past = try #require(html.range(of: "<h2>Past consultations</h2>"))
            let canceledRow = try #require(html.range(of: "data-consultation-id=\"\(try canceled.requireID())\""))
            let endedRow = try #require(html.range(of: "data-consultation-id=\"\(try ended.requireID())\""))
            #expect(canceledRow.lowerBound > upcoming.upperBound && canceledRow.lowerBound < past.lowerBound)
            #expect(endedRow.lowerBound > past.upperBound)
            let api = try await t.app.testing().sendRequest(.GET, "/api/calendar/meetings/upcoming", headers: t.bearer).json()
            #expect((api["meetings"] as? [Any])?.isEmpty == true)
        }
    }
}
