@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// What Calendly tells about a booking, shown on the pages (SPEC 4.5): "unconfirmed" until the
/// student reconfirms, and "moved" for a reschedule that keeps the start time.
@Suite("Booking tags")
struct BookingTagsTests {
    static func page(_ s: SandboxedApp, _ path: String) async throws -> String {
        let browser = BrowserSession(app: s.app)
        try await browser.signIn()
        return try await browser.get(path).body.string
    }

    @Test func unconfirmedUntilTheStudentReconfirms() async throws {
        try await withSandboxedApp { s in
            let uri = try await s.book(name: "Grace Student", email: "grace@student.example")
            await s.flushWebhooks()
            let consultation = try #require(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).first())
            let uuid = try #require(uri.split(separator: "/").last)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid)/reconfirmation").status == 200)
            // Calendly sends no webhook for it: the sync reads it.
            _ = try await s.app.reconcileWithCalendly()
            #expect(try await Self.page(s, "/consultations/\(consultation.id!)").contains(">unconfirmed</span>"))
            #expect(try await Self.page(s, "/calendar").contains("unconfirmed"))
            #expect(try await Consultation.find(consultation.id, on: s.app.db)?.reconfirmationRequestedAt != nil)

            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid)/reconfirm").status == 200)
            _ = try await s.app.reconcileWithCalendly()
            #expect(!(try await Self.page(s, "/consultations/\(consultation.id!)").contains(">unconfirmed</span>")))
            #expect(try await Consultation.find(consultation.id, on: s.app.db)?.reconfirmedAt != nil)
        }
    }

    @Test func aChangeOfPlaceIsShownAsMovedNotAsANewTime() async throws {
        try await withSandboxedApp { s in
            let uri = try await s.book(name: "Grace Student", email: "grace@student.example")
            await s.flushWebhooks()
            let uuid = try #require(uri.split(separator: "/").last)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid)/move", json: #"{"location": "Room 3.14"}"#).status == 201)
            await s.flushWebhooks()
            let old = try #require(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).first())
            let new = try #require(try await Consultation.find(old.rescheduledToID, on: s.app.db))
            #expect(old.status == .rescheduled && old.moved)
            #expect(new.status == .scheduled && new.moved)
            #expect(new.consultationDate == old.consultationDate)
            let oldPage = try await Self.page(s, "/consultations/\(old.id!)")
            #expect(oldPage.contains(">Moved</span>"))
            let newPage = try await Self.page(s, "/consultations/\(new.id!)")
            #expect(newPage.contains(">moved</span>"))
            #expect(newPage.contains("Room 3.14"))
            let student = try await Self.page(s, "/students/\(new.$student.id)")
            #expect(student.contains(">moved</span>"))

            // A real reschedule to another time is not a move.
            let newURI = try #require(new.calendlyInviteeURI)
            let slots = try await s.sandboxCall(.GET, "/_sandbox/slots?event_type=consultation-30")
            let later = try #require((slots.body["slots"] as? [String])?.last)
            let newUUID = try #require(newURI.split(separator: "/").last)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(newUUID)/reschedule", json: #"{"start_time": "\#(later)"}"#).status == 201)
            await s.flushWebhooks()
            let third = try #require(try await Consultation.find(try await Consultation.find(new.id, on: s.app.db)?.rescheduledToID, on: s.app.db))
            #expect(!third.moved)
        }
    }
}
