@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// SPEC 4.5 "No-shows both ways", against the sandbox over real HTTP: the CRM's marks reach
/// Calendly, Calendly's echo of them changes nothing, an outage is shown and retried, and a later
/// change made in Calendly still wins.
@Suite("No-shows both ways")
struct NoShowBothWaysTests {
    /// A meeting of the demo data that has started and is still scheduled, recorded by a sync.
    static func pastMeeting(_ s: SandboxedApp) async throws -> Consultation {
        _ = try await s.app.reconcileWithCalendly()
        let candidates = try await Consultation.query(on: s.app.db).filter(\.$status == .scheduled)
            .filter(\.$consultationDate < Date()).filter(\.$calendlyInviteeURI != nil).all()
        return try #require(candidates.first, "the demo data has a past meeting still marked scheduled")
    }

    static func browser(_ s: SandboxedApp) async throws -> BrowserSession {
        let browser = BrowserSession(app: s.app)
        try await browser.signIn()
        return browser
    }

    static func setStatus(_ s: SandboxedApp, _ id: UUID, _ status: String) async throws -> [String: Any] {
        let response = try await s.app.testing().sendRequest(.PATCH, "/api/consultations/\(id)", headers: s.t.bearer,
                                                             body: try jsonBody(["status": status]))
        #expect(response.status == .ok, "PATCH answered \(response.status): \(response.body.string)")
        return try response.json()
    }

    /// Calendly's own view of the invitee's no-show mark.
    static func calendlyMark(_ s: SandboxedApp, _ inviteeURI: String) async throws -> [String: Any]? {
        let path = try #require(URLComponents(string: inviteeURI)?.path)
        let answer = try await s.sandboxCall(.GET, path)
        return (answer.body["resource"] as? [String: Any])?["no_show"] as? [String: Any]
    }

    /// Webhooks are held back until `flushWebhooks`, so Calendly's echoes arrive after the CRM's
    /// own changes, as they may from Calendly.
    static var holdingWebhooks: SandboxOptions {
        var options = SandboxOptions()
        options.misbehaviour.webhookHoldTimeout = 60
        return options
    }

    static func holdWebhooks(_ s: SandboxedApp) async throws {
        _ = try await s.sandboxCall(.POST, "/_sandbox/misbehaviour", json: #"{"webhook_reorder_rate": 1, "webhook_hold_timeout": 30}"#)
    }

    @Test func markingAndUnmarkingReachCalendlyAndTheEchoesChangeNothing() async throws {
        try await withSandboxedApp(sandboxOptions: Self.holdingWebhooks) { s in
            let meeting = try await Self.pastMeeting(s)
            let id = try meeting.requireID(), invitee = try #require(meeting.calendlyInviteeURI)
            try await Self.holdWebhooks(s)

            let marked = try await Self.setStatus(s, id, "no_show")
            #expect(marked["status"] as? String == "no_show")
            #expect(marked["no_show_send_error"] is NSNull)
            let mark = try #require(try await Self.calendlyMark(s, invitee)?["uri"] as? String)
            #expect(try await Consultation.find(id, on: s.app.db)?.noShowMarkURI == mark)

            // Calendly's webhook for that same mark arrives: nothing a reader sees changes.
            let before = try await s.visibleConsultation(id)
            await s.flushWebhooks()
            #expect(try await WebhookDelivery.query(on: s.app.db).filter(\.$event == "invitee_no_show.created").count() == 1)
            #expect(try await s.visibleConsultation(id) == before)

            // Unmarked, marked and unmarked again before any echo arrives: the late echoes
            // (a creation, then deletions) leave the owner's last word.
            _ = try await Self.setStatus(s, id, "scheduled")
            _ = try await Self.setStatus(s, id, "no_show")
            let unmarked = try await Self.setStatus(s, id, "scheduled")
            #expect(unmarked["status"] as? String == "scheduled")
            #expect(unmarked["no_show_send_error"] is NSNull)
            #expect(try await Self.calendlyMark(s, invitee) == nil, "the mark is gone in Calendly")
            await s.flushWebhooks()
            #expect(try await WebhookDelivery.query(on: s.app.db).filter(\.$event == "invitee_no_show.deleted").count() >= 1)
            #expect(try await Consultation.find(id, on: s.app.db)?.status == .scheduled)

            // A later, different change made in Calendly wins. A second later: a delivery is known by
            // (event, invitee, envelope time in whole seconds), so a new mark of the same invitee in
            // the same second as the first would be taken for a duplicate of it (SPEC section 2).
            try await Task.sleep(for: .milliseconds(1100))
            let uuid = try #require(invitee.split(separator: "/").last)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid)/no_show").status == 201)
            await s.flushWebhooks()
            #expect(try await Consultation.find(id, on: s.app.db)?.status == .noShow)
        }
    }

    @Test func anOutageIsShownWithARetryAndTheNextSyncSendsIt() async throws {
        try await withSandboxedApp { s in
            let meeting = try await Self.pastMeeting(s)
            let id = try meeting.requireID(), invitee = try #require(meeting.calendlyInviteeURI)
            let transport = RecordingTransport.live { request in
                request.method == .POST && request.url.contains("/invitee_no_shows") ? .json(503, #"{"title":"Service Unavailable"}"#) : nil
            }
            s.app.useCalendly(transport)

            let marked = try await Self.setStatus(s, id, "no_show")
            #expect(marked["status"] as? String == "no_show", "the owner's change is recorded at once")
            let why = try #require(marked["no_show_send_error"] as? String)
            #expect(why.contains("503"))
            #expect(try await Self.calendlyMark(s, invitee) == nil)

            // The page says so, with a retry.
            let page = try await Self.browser(s).get("/consultations/\(id)")
            #expect(page.body.string.contains("Not sent to Calendly"))
            #expect(page.body.string.contains("/consultations/\(id)/no-show/send"))

            // A sync while Calendly still refuses keeps the owner's mark, not Calendly's older state.
            _ = try await s.app.reconcileWithCalendly()
            #expect(try await Consultation.find(id, on: s.app.db)?.status == .noShow)
            #expect(try await Consultation.find(id, on: s.app.db)?.noShowSendError != nil)

            // Calendly is back: the next sync sends it.
            transport.answer(with: nil)
            _ = try await s.app.reconcileWithCalendly()
            let after = try #require(try await Consultation.find(id, on: s.app.db))
            #expect(after.noShowSendError == nil)
            #expect(after.status == .noShow)
            #expect(try await Self.calendlyMark(s, invitee) != nil)
        }
    }

    @Test func theRetryButtonSendsIt() async throws {
        try await withSandboxedApp { s in
            let meeting = try await Self.pastMeeting(s)
            let id = try meeting.requireID(), invitee = try #require(meeting.calendlyInviteeURI)
            let transport = RecordingTransport.live { request in
                request.method == .POST && request.url.contains("/invitee_no_shows") ? .json(500, "{}") : nil
            }
            s.app.useCalendly(transport)
            _ = try await Self.setStatus(s, id, "no_show")
            transport.answer(with: nil)
            let browser = try await Self.browser(s)
            try await browser.get("/consultations/\(id)")
            let response = try await browser.post("/consultations/\(id)/no-show/send", form: [:])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.contains("notice=no-show-sent") == true)
            #expect(try await Consultation.find(id, on: s.app.db)?.noShowSendError == nil)
            #expect(try await Self.calendlyMark(s, invitee) != nil)
        }
    }

    @Test func aManualConsultationSendsNothingToCalendly() async throws {
        try await withSandboxedApp { s in
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            let student = Student(name: "Ada", email: "ada@student.example")
            try await student.create(on: s.app.db)
            let held = Consultation(studentID: student.id!, type: "Talk", consultationDate: Date().addingTimeInterval(-3600), duration: 30)
            try await held.create(on: s.app.db)
            let answer = try await Self.setStatus(s, held.id!, "no_show")
            #expect(answer["no_show_send_error"] is NSNull)
            #expect(!transport.paths.contains { $0.contains("invitee_no_shows") })
        }
    }
}
