@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Held and No-show only once a meeting has started, each undoable; canceled and rescheduled only
/// from Calendly; the current status shown where it is changed (SPEC section 3).
@Suite("Status marking")
struct StatusMarkingTests {
    @Test(arguments: ["completed", "no_show"])
    func aMeetingThatHasNotStartedCannotBeMarked(status: String) async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), startsIn: 3600, on: t.app)
            let id = try consultation.requireID()
            let api = try await t.app.testing().sendRequest(.PATCH, "/api/consultations/\(id)", headers: t.bearer,
                                                             body: ByteBuffer(string: #"{"status": "\#(status)"}"#))
            #expect(api.status == .unprocessableEntity)
            #expect(try api.errorCode().field == "status")
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = try await browser.get("/consultations/\(id)").body.string
            #expect(!page.contains(#"id="mark-completed""#), "no Held button before the start")
            #expect(page.contains("once it has started"))
            let posted = try await browser.post("/consultations/\(id)/status", form: ["status": status])
            #expect(posted.status == .unprocessableEntity)
            #expect(try await Consultation.find(id, on: t.app.db)?.status == .scheduled)
        }
    }

    @Test(arguments: [ConsultationStatus.completed, .noShow])
    func heldAndNoShowCanBeUndone(status: ConsultationStatus) async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), startsIn: -600, on: t.app)
            let id = try consultation.requireID()
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let before = try await browser.get("/consultations/\(id)").body.string
            #expect(before.contains(#"id="current-status">Scheduled"#))
            #expect(try await browser.post("/consultations/\(id)/status", form: ["status": status.rawValue]).status == .seeOther)
            let marked = try await browser.get("/consultations/\(id)").body.string
            #expect(marked.contains(#"id="current-status">\#(status.label)"#))
            #expect(marked.contains(#"id="mark-scheduled""#))
            #expect(try await browser.post("/consultations/\(id)/status", form: ["status": "scheduled"]).status == .seeOther)
            #expect(try await Consultation.find(id, on: t.app.db)?.status == .scheduled)
        }
    }

    @Test(arguments: [ConsultationStatus.canceled, .rescheduled])
    func canceledAndRescheduledAreFinal(status: ConsultationStatus) async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), startsIn: -600, status: status, on: t.app)
            let id = try consultation.requireID()
            for target in ["scheduled", "completed", "no_show"] {
                let response = try await t.app.testing().sendRequest(.PATCH, "/api/consultations/\(id)", headers: t.bearer,
                                                                      body: ByteBuffer(string: #"{"status": "\#(target)"}"#))
                #expect(response.status == .unprocessableEntity, "\(status) → \(target)")
            }
            #expect(try await Consultation.find(id, on: t.app.db)?.status == status)
        }
    }

    @Test func calendlyLinksStayWhileTheBookingIsLive() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), startsIn: -600, status: .completed, on: t.app)
            consultation.cancelURL = "https://calendly.com/cancellations/abc"
            consultation.rescheduleURL = "https://calendly.com/reschedulings/abc"
            try await consultation.save(on: t.app.db)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = try await browser.get("/consultations/\(try consultation.requireID())").body.string
            // The student's reschedule page stays, named as theirs; the host cancels with the form
            // instead of the student's own cancel link, which would record the student as canceling.
            #expect(page.contains("https://calendly.com/reschedulings/abc"))
            #expect(page.contains("The student's reschedule page"))
            #expect(!page.contains("https://calendly.com/cancellations/abc"))
        }
    }

    @Test func aManualConsultationInTheFutureCannotBeCreatedAsHeld() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let body = #"{"student_id": "\#(try student.requireID())", "type": "M", "consultation_date": "2031-01-01T10:00:00Z", "duration": 30, "status": "completed"}"#
            let response = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableEntity)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }
}
