@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// Pages speak in words: location kinds by name, a reschedule by its new time, Calendly's URIs
/// tucked behind a disclosure.
@Suite("Words, not codes")
struct WordsNotCodesTests {
    @Test func locationKindsAreNamed() {
        #expect(LocationWords.describe("google_conference") == "Google Meet")
        #expect(LocationWords.describe("zoom_conference") == "Zoom")
        #expect(LocationWords.describe("outbound_call") == "Phone call (you call the student)")
        #expect(LocationWords.describe("Library, room 2.14") == "Library, room 2.14")
        #expect(LocationWords.describe("") == nil)
    }

    @Test func aRescheduleIsNamedByItsNewTimeAndURIsAreTuckedAway() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let old = try await Fixtures.consultation(for: student, startsIn: 86_400, status: .rescheduled, on: t.app)
            let new = Consultation(studentID: try student.requireID(), type: "Mentoring",
                                   consultationDate: try #require(ISO8601.parse("2031-12-09T09:00:00Z")), duration: 30)
            new.rescheduledFromID = try old.requireID()
            new.location = "google_conference"
            try await new.create(on: t.app.db)
            old.rescheduledToID = try new.requireID()
            old.calendlyEventURI = "https://api.calendly.com/scheduled_events/EV1"
            try await old.save(on: t.app.db)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let oldPage = try await browser.get("/consultations/\(try old.requireID())").body.string
            #expect(oldPage.contains(#"id="rescheduled-to">Tue 9 Dec 10:00</a>"#), "named by its time in the owner's zone")
            #expect(!oldPage.contains("the new booking"))
            #expect(oldPage.contains("<summary>Calendly details</summary>"))
            let newPage = try await browser.get("/consultations/\(try new.requireID())").body.string
            #expect(newPage.contains("<dd>Google Meet</dd>"))
            #expect(!newPage.contains("google_conference"))
        }
    }

    @Test func demoBookingsHaveTopicsAPersonWouldWrite() throws {
        #expect(!DemoData.topics.isEmpty)
        #expect(DemoData.topics.allSatisfy { !$0.lowercased().contains("seeded") })
    }
}
