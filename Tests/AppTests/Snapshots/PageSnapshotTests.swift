@testable import App
import Fluent
import SQLKit
import Foundation
import Testing
import VaporTesting

/// The pages and JSON a user meets, rendered from fixed data and compared with golden files, so a
/// change that only moves or renames code is proven to change nothing they see.
@Suite struct PageSnapshotTests {
    static let ada = UUID(uuidString: "00000000-0000-0000-0000-0000000000a1")!
    static let grace = UUID(uuidString: "00000000-0000-0000-0000-0000000000a2")!
    static let archived = UUID(uuidString: "00000000-0000-0000-0000-0000000000a3")!
    static let upcoming = UUID(uuidString: "00000000-0000-0000-0000-0000000000c1")!
    static let held = UUID(uuidString: "00000000-0000-0000-0000-0000000000c2")!
    static let canceled = UUID(uuidString: "00000000-0000-0000-0000-0000000000c3")!

    /// Dates far from today, so "today", "this year" and "upcoming" never move under the snapshot.
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func seed(_ app: Application) async throws {
        try await Student(id: ada, name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0018",
                          notes: "Applying to maths programmes; wants help with the personal statement.", source: .calendly).create(on: app.db)
        try await Student(id: grace, name: "Grace Hopper", email: "", phone: "", notes: "").create(on: app.db)
        let gone = Student(id: archived, name: "Charles Babbage", email: "charles@example.com")
        gone.archivedAt = date("2021-01-02T03:04:05Z")
        try await gone.create(on: app.db)

        let next = Consultation(id: upcoming, studentID: ada, type: "30 Minute Meeting", consultationDate: date("2031-03-04T10:00:00Z"),
                                duration: 30, topic: "Personal statement, second draft")
        next.location = "zoom"
        next.joinURL = "https://zoom.example/j/123"
        next.calendlyEventURI = "https://api.calendly.com/scheduled_events/EV1"
        next.calendlyInviteeURI = "https://api.calendly.com/scheduled_events/EV1/invitees/IN1"
        next.cancelURL = "https://calendly.com/cancellations/IN1"
        next.rescheduleURL = "https://calendly.com/reschedulings/IN1"
        next.inviteeTimezone = "Europe/London"
        next.questionsAndAnswers = [QuestionAndAnswer(question: "What should we cover?", answer: "The opening paragraph & my <b>grades</b>", position: 0)]
        try await next.create(on: app.db)

        try await Consultation(id: held, studentID: ada, type: "Mentoring", consultationDate: date("2021-05-06T14:30:00Z"), duration: 45,
                               topic: "First meeting", notes: "Talked about universities.\nShe will list five.",
                               followUpNotes: "Send the reading list", status: .completed).create(on: app.db)

        let off = Consultation(id: canceled, studentID: grace, type: "Mentoring", consultationDate: date("2031-06-07T09:00:00Z"), duration: 60,
                               topic: "Compilers", status: .canceled)
        off.canceledBy = "Grace Hopper"
        off.cancelReason = "Conference travel"
        off.canceledAt = date("2031-06-01T08:00:00Z")
        try await off.create(on: app.db)

        for (number, text, owner, due, done) in [
            (1, "Send the reading list & <links>", FollowUpOwner.mentor, "2021-05-20", false),
            (2, "List five universities", .student, nil, false),
            (3, "Book the campus visit", .mentor, "2021-05-10", true),
        ] as [(Int, String, FollowUpOwner, String?, Bool)] {
            let followUp = FollowUp(studentID: ada, consultationID: held, text: text, owner: owner, dueOn: due)
            followUp.id = UUID(uuidString: "00000000-0000-0000-0000-0000000000f\(number)")
            if done { followUp.doneAt = date("2021-05-09T12:00:00Z") }
            try await followUp.create(on: app.db)
        }

        // Fluent stamps `created_at` with the current time; the pages show it, so pin it.
        for table in ["students", "consultations", "follow_ups"] {
            try await app.db.sql().update(table).set("created_at", to: date("2020-02-03T04:05:06Z"))
                .set("updated_at", to: date("2020-02-03T04:05:06Z")).run()
        }
    }

    static let pages: [(path: String, name: String)] = [
        ("/calendar", "calendar-upcoming.html"),
        ("/calendar?student=00000000-0000-0000-0000-0000000000a1", "calendar-upcoming-for-student.html"),
        ("/calendar/schedule", "calendar-schedule.html"),
        ("/calendar/upcoming", "calendar-upcoming-fragment.html"),
        ("/students", "students.html"),
        ("/students?q=ada", "students-search.html"),
        ("/students?archived=only", "students-archived.html"),
        ("/students/00000000-0000-0000-0000-0000000000a1", "student.html"),
        ("/students/00000000-0000-0000-0000-0000000000a3", "student-archived.html"),
        ("/consultations/00000000-0000-0000-0000-0000000000c1", "consultation-upcoming.html"),
        ("/consultations/00000000-0000-0000-0000-0000000000c2", "consultation-held.html"),
        ("/consultations/00000000-0000-0000-0000-0000000000c3", "consultation-canceled.html"),
        ("/settings", "settings.html"),
        ("/search?q=ada+STATEM", "search.html"),
        ("/no-such-page", "not-found.html"),
    ]

    static let endpoints: [(path: String, name: String)] = [
        ("/api/students", "api-students.json"),
        ("/api/students/00000000-0000-0000-0000-0000000000a1", "api-student.json"),
        ("/api/consultations", "api-consultations.json"),
        ("/api/consultations/00000000-0000-0000-0000-0000000000c1", "api-consultation.json"),
        ("/api/consultations/00000000-0000-0000-0000-0000000000c1/brief", "api-brief.json"),
        ("/api/consultations/00000000-0000-0000-0000-0000000000c3/brief", "api-brief-first-meeting.json"),
        ("/api/calendar/meetings/upcoming?from=2031-01-01T00:00:00Z", "api-upcoming.json"),
        ("/api/calendar/meetings/upcoming?include_canceled=true", "api-upcoming-with-canceled.json"),
        ("/api/calendar/config/calendly", "api-calendly-config.json"),
        ("/api/consultations/00000000-0000-0000-0000-00000000ffff", "api-not-found.json"),
        ("/api/students?limit=abc", "api-bad-query.json"),
        ("/api/search?q=ada&limit=3", "api-search.json"),
    ]

    @Test func pagesRenderAsBefore() async throws {
        try await withTestApp { t in
            try await Self.seed(t.app)
            let browser = BrowserSession(app: t.app)
            try Snapshot.assertMatches(Snapshot.normalized(try await browser.get("/sign-in").body.string), named: "sign-in.html")
            try await browser.signIn()
            for page in Self.pages {
                let response = try await browser.get(page.path)
                try Snapshot.assertMatches("\(response.status.code)\n" + Snapshot.normalized(response.body.string), named: page.name)
            }
        }
    }

    @Test func endpointsAnswerAsBefore() async throws {
        try await withTestApp { t in
            try await Self.seed(t.app)
            for endpoint in Self.endpoints {
                let response = try await t.app.testing().sendRequest(.GET, endpoint.path, headers: t.bearer)
                try Snapshot.assertMatches("\(response.status.code)\n" + Snapshot.normalized(Self.pretty(response.body.string)), named: endpoint.name)
            }
        }
    }

    /// Sorted keys and indentation, so a difference points at one field.
    static func pretty(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}
