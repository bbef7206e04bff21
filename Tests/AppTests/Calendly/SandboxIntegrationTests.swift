@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Calendly over real HTTP (sandbox)")
struct SandboxIntegrationTests {
    @Test func aBookingOnCalendlyArrivesByWebhookAsOneConsultation() async throws {
        try await withSandboxedApp { s in
            // when an invitee books on Calendly
            let uri = try await s.book(name: "Grace Student", email: "grace@student.example", extra: #","answers":{"a1":"Thesis outline"}"#)
            await s.flushWebhooks()
            // then the webhook made exactly one consultation
            let consultation = try #require(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).with(\.$student).first())
            #expect(consultation.student.email == "grace@student.example")
            #expect(consultation.topic == "Thesis outline")
            #expect(consultation.status == .scheduled)
            let delivery = try #require(try await WebhookDelivery.query(on: s.app.db).first())
            #expect(delivery.state == .processed)
        }
    }

    @Test func recordingFromThePopupThenTheWebhookAddsNothing() async throws {
        // Held deliveries are released after the shorter of the start-up and live hold time-outs.
        var options = SandboxOptions()
        options.misbehaviour.webhookHoldTimeout = 60
        try await withSandboxedApp(sandboxOptions: options) { s in
            _ = try await s.sandboxCall(.POST, "/_sandbox/misbehaviour", json: #"{"webhook_reorder_rate": 1, "webhook_hold_timeout": 30}"#)
            let uri = try await s.book()
            // the popup's record call comes first
            let response = try await s.app.testing().sendRequest(.POST, "/api/calendar/meetings/sync", headers: s.t.bearer,
                                                                 body: try jsonBody(["invitee_uri": uri]))
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["created"] as? Int == 1)
            #expect((json["consultation"] as? [String: Any])?["calendly_invitee_uri"] as? String == uri)
            // then the webhook, held back until now, arrives
            #expect(try await WebhookDelivery.query(on: s.app.db).count() == 0)
            await s.flushWebhooks()
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).count() == 1)
            #expect(try await WebhookDelivery.query(on: s.app.db).count() == 1)
        }
    }

    @Test func configEndpointDescribesTheAccount() async throws {
        try await withSandboxedApp { s in
            let response = try await s.app.testing().sendRequest(.GET, "/api/calendar/config/calendly", headers: s.t.bearer)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["configured"] as? Bool == true)
            #expect(json["scope"] as? String == "organization")
            let types = try #require(json["event_types"] as? [[String: Any]])
            #expect(types.count == 3, "active ones only")
            #expect((json["webhook"] as? [String: Any])?["subscription_state"] as? String == "active")
            #expect((json["problems"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func reconcileAfterDroppedDeliveriesReachesTheSameState() async throws {
        try await withSandboxedApp { s in
            _ = try await s.sandboxCall(.POST, "/_sandbox/misbehaviour", json: #"{"webhook_drop_rate": 1}"#)
            let first = try await s.book(name: "One", email: "one@student.example")
            try await s.book(name: "Two", email: "two@student.example")
            let uuid = try #require(first.split(separator: "/").last)
            _ = try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid)/cancel", json: #"{"canceled_by":"invitee","reason":"Ill"}"#)
            await s.flushWebhooks()
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == first).count() == 0)
            // when
            let response = try await s.app.testing().sendRequest(.POST, "/api/calendar/meetings/sync", headers: s.t.bearer)
            #expect(response.status == .ok)
            // then every sandbox invitee is a consultation with Calendly's status
            let truth = try await s.sandboxCall(.GET, "/_sandbox/truth")
            let events = try #require(truth.body["events"] as? [[String: Any]])
            let invitees = events.flatMap { ($0["invitees"] as? [[String: Any]]) ?? [] }
            #expect(invitees.count > 10)
            #expect(try await Consultation.query(on: s.app.db).count() == invitees.count)
            let canceled = try #require(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == first).first())
            #expect(canceled.status == .canceled)
            #expect(canceled.cancelReason == "Ill")
        }
    }
}
