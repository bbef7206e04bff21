@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The rules of the Today page (SPEC 10): what needs notes, what is due, who has not been met in a
/// while, the coming week, what changed, and attendance by week in the owner's zone.
@Suite("Today")
struct TodayTests {
    private static let day: TimeInterval = 86_400

    @discardableResult
    private func meeting(_ student: Student, days: Double, status: ConsultationStatus = .scheduled, notes: String = "",
                         topic: String = "Essays", on app: Application) async throws -> Consultation {
        let c = try await Fixtures.consultation(for: student, startsIn: days * Self.day, duration: 60, status: status, on: app)
        c.notes = notes
        c.topic = topic
        try await c.save(on: app.db)
        return c
    }

    @Test func needsNotesAreEndedUnmarkedMeetingsOfTheLast30DaysWithoutNotes() async throws {
        try await withTestApp { t in
            // given
            let s = try await Fixtures.student(on: t.app)
            let unwritten = try await meeting(s, days: -2, on: t.app)
            let heldUnwritten = try await meeting(s, days: -3, status: .completed, on: t.app)
            try await meeting(s, days: -2.5, notes: "Written", on: t.app)
            try await meeting(s, days: -4, status: .noShow, on: t.app)
            try await meeting(s, days: -5, status: .canceled, on: t.app)
            try await meeting(s, days: -6, status: .rescheduled, on: t.app)
            try await meeting(s, days: -31, on: t.app)
            try await meeting(s, days: 1, on: t.app)
            // when
            let summary = try await TodaySummary.load(now: Date(), zone: .gmt, attentionAfterDays: 30, seenSince: nil, on: t.app.db)
            // then
            #expect(summary.needsNotes.map(\.id) == [try unwritten.requireID(), try heldUnwritten.requireID()])
        }
    }

    @Test func followUpsDueAreOpenOnesDueTodayOrEarlier() async throws {
        try await withTestApp { t in
            // given
            let s = try await Fixtures.student(on: t.app)
            let now = Date()
            let today = TimeDisplay(zone: .gmt).today(now: now)
            let yesterday = TimeDisplay(zone: .gmt).today(now: now.addingTimeInterval(-Self.day))
            let tomorrow = TimeDisplay(zone: .gmt).today(now: now.addingTimeInterval(Self.day))
            for (text, due, done) in [("overdue", yesterday, false), ("today", today, false), ("later", tomorrow, false), ("done", yesterday, true)] {
                let f = FollowUp(studentID: try s.requireID(), consultationID: nil, text: text, owner: .mentor, dueOn: due)
                if done { f.doneAt = now }
                try await f.create(on: t.app.db)
            }
            try await FollowUp(studentID: try s.requireID(), consultationID: nil, text: "undated", owner: .mentor, dueOn: nil).create(on: t.app.db)
            // when
            let summary = try await TodaySummary.load(now: now, zone: .gmt, attentionAfterDays: 30, seenSince: nil, on: t.app.db)
            // then
            #expect(summary.followUpsDue.map(\.text) == ["overdue", "today"])
            #expect(summary.followUpsDue.first?.studentName == "Ada Lovelace")
        }
    }

    @Test func haventMetInAWhileIsHeldOnceNotRecentlyAndNothingBooked() async throws {
        try await withTestApp(adjust: { $0.attentionAfterDays = 20 }) { t in
            // given
            let quiet = try await Fixtures.student("Quiet", email: "quiet@example.com", on: t.app)
            try await meeting(quiet, days: -40, status: .completed, on: t.app)
            try await meeting(quiet, days: -5, status: .noShow, on: t.app)
            let booked = try await Fixtures.student("Booked", email: "booked@example.com", on: t.app)
            try await meeting(booked, days: -40, status: .completed, on: t.app)
            try await meeting(booked, days: 7, on: t.app)
            let recent = try await Fixtures.student("Recent", email: "recent@example.com", on: t.app)
            try await meeting(recent, days: -10, status: .completed, on: t.app)
            let never = try await Fixtures.student("Never", email: "never@example.com", on: t.app)
            try await meeting(never, days: -40, status: .noShow, on: t.app)
            let archived = try await Fixtures.student("Archived", email: "archived@example.com", on: t.app)
            try await meeting(archived, days: -40, status: .completed, on: t.app)
            archived.archivedAt = Date()
            try await archived.save(on: t.app.db)
            // when
            let summary = try await TodaySummary.load(now: Date(), zone: .gmt, attentionAfterDays: t.app.appConfig.attentionAfterDays, seenSince: nil, on: t.app.db)
            // then
            #expect(summary.attention.map(\.name) == ["Quiet"])
        }
    }

    @Test func theComingWeekShowsMeetingsNotEndedWithFollowUpsAndTheLastTopic() async throws {
        try await withTestApp { t in
            // given
            let s = try await Fixtures.student(on: t.app)
            try await meeting(s, days: -20, status: .completed, topic: "Personal statement", on: t.app)
            let soon = try await meeting(s, days: 2, topic: "Interview practice", on: t.app)
            try await meeting(s, days: 12, on: t.app)
            try await meeting(s, days: -0.2, on: t.app) // ended this morning: needs notes, not upcoming
            try await FollowUp(studentID: try s.requireID(), consultationID: nil, text: "Read", owner: .student, dueOn: nil).create(on: t.app.db)
            // when
            let summary = try await TodaySummary.load(now: Date(), zone: .gmt, attentionAfterDays: 30, seenSince: nil, on: t.app.db)
            // then
            #expect(summary.meetings.map(\.row.id) == [try soon.requireID()])
            #expect(summary.meetings.first?.openFollowUps == 1 && summary.meetings.first?.lastTopic == "Personal statement")
        }
    }

    @Test func weeksStartOnMondayInTheOwnersZoneAcrossADaylightSavingChange() async throws {
        try await withTestApp { t in
            // given: Wednesday 1 April 2026, 10:00 in Berlin (summer time began on Sunday 29 March)
            let berlin = TimeZone(identifier: "Europe/Berlin")!
            let now = ISO8601DateFormatter().date(from: "2026-04-01T08:00:00Z")!
            let s = try await Fixtures.student(on: t.app)
            func at(_ text: String, _ status: ConsultationStatus) async throws {
                let c = Consultation(studentID: try s.requireID(), type: "M", consultationDate: ISO8601DateFormatter().date(from: text)!, duration: 30, status: status)
                try await c.create(on: t.app.db)
            }
            try await at("2026-03-29T22:30:00Z", .completed) // 00:30 Monday 30 March in Berlin: this week
            try await at("2026-03-29T21:30:00Z", .noShow)    // 23:30 Sunday 29 March in Berlin: last week
            try await at("2026-03-23T00:30:00Z", .canceled)  // 01:30 Monday 23 March (winter time): last week
            try await at("2026-03-22T22:30:00Z", .completed) // 23:30 Sunday 22 March: two weeks back
            // when
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = berlin
            calendar.firstWeekday = 2
            let weeks = try await TodaySummary.attendance(now: now, calendar: calendar, on: try t.app.db.sql())
            // then
            #expect(weeks.count == 12)
            let display = TimeDisplay(zone: berlin)
            #expect(weeks.suffix(3).map { display.today(now: $0.start) } == ["2026-03-16", "2026-03-23", "2026-03-30"])
            #expect(weeks.suffix(3).map { [$0.held, $0.noShow, $0.canceled] } == [[1, 0, 0], [0, 1, 1], [1, 0, 0]])
        }
    }

    @Test func changesSinceTheOwnerLastLookedAreCalendlysAndMarkingSeenClearsThem() async throws {
        try await withTestApp { t in
            // given
            let s = try await Fixtures.student(on: t.app)
            let booked = try await meeting(s, days: 3, on: t.app)
            booked.calendlyInviteeURI = "https://api.calendly.com/scheduled_events/E1/invitees/I1"
            try await booked.save(on: t.app.db)
            let canceled = try await meeting(s, days: 4, status: .canceled, on: t.app)
            canceled.calendlyInviteeURI = "https://api.calendly.com/scheduled_events/E2/invitees/I2"
            canceled.canceledAt = Date()
            try await canceled.save(on: t.app.db)
            try await meeting(s, days: 5, on: t.app) // by hand: not a Calendly change
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            // when
            let api = try await t.app.testing().sendRequest(.GET, "/api/today", headers: t.bearer).json()
            let page = try await browser.get("/today").body.string
            // then
            #expect(Set((api["changes"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []) == ["booked", "canceled"])
            #expect(page.contains("id=\"changes-list\""))
            // when
            #expect(try await browser.post("/today/seen", form: [:]).status == .seeOther)
            let after = try await browser.get("/today").body.string
            let apiAfter = try await t.app.testing().sendRequest(.GET, "/api/today", headers: t.bearer).json()
            // then
            #expect(!after.contains("id=\"changes-list\""))
            #expect((apiAfter["changes"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func thePageEscapesWhatItShowsAndDrawsTheChart() async throws {
        try await withTestApp { t in
            // given
            let s = try await Fixtures.student("<script>alert(1)</script> & Co", email: "x@example.com", on: t.app)
            try await meeting(s, days: -2, status: .completed, on: t.app)
            try await meeting(s, days: -1, topic: "<img src=x onerror=alert(1)>", on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            // when
            let response = try await browser.get("/today")
            let html = response.body.string
            // then
            #expect(response.status == .ok)
            #expect(!html.contains("<script>alert(1)") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"))
            #expect(html.contains("<svg class=\"chart\"") && html.contains("class=\"bar-held\""))
            #expect(html.contains("id=\"attendance-table\""))
            #expect(try await browser.get("/").headers.first(name: .location) == "/today")
        }
    }
}
