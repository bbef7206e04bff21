@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// Cancelling as the host from the CRM (`POST /scheduled_events/{uuid}/cancellation`), against the
/// sandbox over real HTTP: recorded once Calendly has canceled, the webhook then changes nothing,
/// and every refusal leaves the meeting as it was.
@Suite("Host cancellation")
struct HostCancellationTests {
    static func bookedMeeting(_ s: SandboxedApp) async throws -> Consultation {
        let uri = try await s.book(name: "Grace Student", email: "grace@student.example")
        await s.flushWebhooks()
        return try #require(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).first())
    }

    static func cancel(_ s: SandboxedApp, _ id: UUID, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await s.app.testing().sendRequest(.POST, "/api/consultations/\(id)/cancellation", headers: s.t.bearer, body: try jsonBody(body))
    }

    @Test func theHostsCancellationIsRecordedAtOnceAndItsWebhookChangesNothing() async throws {
        try await withSandboxedApp(sandboxOptions: NoShowBothWaysTests.holdingWebhooks) { s in
            let meeting = try await Self.bookedMeeting(s)
            // The webhook is held back, so what is recorded comes from the cancellation's answer.
            try await NoShowBothWaysTests.holdWebhooks(s)
            let response = try await Self.cancel(s, meeting.id!, ["reason": "I am ill; let us meet next week"])
            #expect(response.status == .ok, "\(response.body.string)")
            let json = try response.json()
            #expect(json["status"] as? String == "canceled")
            #expect(json["cancel_reason"] as? String == "I am ill; let us meet next week")
            let canceledBy = try #require(json["canceled_by"] as? String)
            #expect(canceledBy != "Grace Student", "canceled by the host, not the student")

            let before = try await s.visibleConsultation(meeting.id!)
            await s.flushWebhooks()
            #expect(try await WebhookDelivery.query(on: s.app.db).filter(\.$event == "invitee.canceled").count() == 1)
            #expect(try await s.visibleConsultation(meeting.id!) == before, "the webhook found nothing to change")
            #expect(try await Consultation.query(on: s.app.db).count() == 1)
        }
    }

    @Test func aRefusalChangesNothingAndSaysWhy() async throws {
        try await withSandboxedApp { s in
            let meeting = try await Self.bookedMeeting(s)
            s.app.useCalendly(RecordingTransport.live { request in
                request.url.hasSuffix("/cancellation") ? .json(403, #"{"title":"Permission Denied","message":"You do not have permission"}"#) : nil
            })
            let response = try await Self.cancel(s, meeting.id!, ["reason": "x"])
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.string.contains("scheduled_events:write"), "names the missing scope")
            #expect(try await Consultation.find(meeting.id, on: s.app.db)?.status == .scheduled)
        }
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        try await withSandboxedApp { s in
            let transport = RecordingTransport.live()
            let meeting = try await Self.bookedMeeting(s)
            s.app.useCalendly(transport)
            let long = try await Self.cancel(s, meeting.id!, ["reason": String(repeating: "é", count: 501)])
            #expect(long.status == .unprocessableEntity)
            #expect((try long.json()["error"] as? [String: Any])?["field"] as? String == "reason")

            let student = Student(name: "Ada", email: "ada@student.example")
            try await student.create(on: s.app.db)
            let manual = Consultation(studentID: student.id!, type: "Talk", consultationDate: Date().addingTimeInterval(86_400), duration: 30)
            try await manual.create(on: s.app.db)
            let notCalendly = try await Self.cancel(s, manual.id!, [:])
            #expect(notCalendly.status == .unprocessableEntity)

            let missing = try await Self.cancel(s, UUID(), [:])
            #expect(missing.status == .notFound)
            let notUUID = try await s.app.testing().sendRequest(.POST, "/api/consultations/not-a-uuid/cancellation", headers: s.t.bearer)
            #expect(notUUID.status == .badRequest)
            #expect(!transport.paths.contains { $0.hasSuffix("/cancellation") }, "nothing was sent to Calendly")

            // Twice: the second finds nothing to cancel.
            s.app.useCalendly(RecordingTransport.live())
            #expect(try await Self.cancel(s, meeting.id!, [:]).status == .ok)
            #expect(try await Self.cancel(s, meeting.id!, [:]).status == .conflict)
        }
    }

    @Test func theConsultationPageCancelsAndKeepsTheReasonWhenRefused() async throws {
        try await withSandboxedApp { s in
            let meeting = try await Self.bookedMeeting(s)
            let browser = BrowserSession(app: s.app)
            try await browser.signIn()
            let page = try await browser.get("/consultations/\(meeting.id!)")
            #expect(page.body.string.contains("id=\"cancel-form\""))
            #expect(!page.body.string.contains("Cancel in Calendly</a>"), "the student's own cancel link is not offered to the host")

            s.app.useCalendly(RecordingTransport.live { _ in .json(503, "{}") })
            let refused = try await browser.post("/consultations/\(meeting.id!)/cancel", form: ["reason": "Snow <b>storm</b>"])
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.body.string.contains("Snow &lt;b&gt;storm&lt;/b&gt;"), "the reason is shown again, escaped")

            s.app.useCalendly(RecordingTransport.live())
            let done = try await browser.post("/consultations/\(meeting.id!)/cancel", form: ["reason": "Snow storm"])
            #expect(done.status == .seeOther)
            #expect(try await Consultation.find(meeting.id, on: s.app.db)?.status == .canceled)
        }
    }
}
