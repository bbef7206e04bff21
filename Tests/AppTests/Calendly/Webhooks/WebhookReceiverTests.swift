@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Webhook receiver")
struct WebhookReceiverTests {
    typealias P = CalendlyPayloads

    @Test func bookingBecomesAConsultationOnANewStudent() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            // given
            let booking = P.Booking()
            let body = try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking))
            // when
            let response = try await t.deliver(body)
            // then
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "processed")
            let consultation = try #require(try await Consultation.query(on: t.app.db).with(\.$student).first())
            #expect(consultation.calendlyInviteeURI == booking.inviteeURI)
            #expect(consultation.calendlyEventURI == booking.eventURI)
            #expect(consultation.type == "Student consultation (30 min)")
            #expect(ISO8601.format(consultation.consultationDate) == "2031-11-28T09:00:00Z")
            #expect(consultation.duration == 30)
            #expect(consultation.topic == "Exam preparation plan")
            #expect(consultation.joinURL == "https://meet.google.com/abc-defg-hij")
            #expect(consultation.status == .scheduled)
            #expect(consultation.notes == "", "the owner's notes stay the owner's")
            #expect(consultation.student.name == "Jonas Berg")
            #expect(consultation.student.email == "jonas.berg@student.example")
            #expect(consultation.student.source == .calendly)
            let delivery = try #require(try await WebhookDelivery.query(on: t.app.db).first())
            #expect(delivery.body == body)
            #expect(delivery.state == .processed)
        }
    }

    @Test func sameDeliveryTwiceIsADuplicateAndChangesNothing() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let body = try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(P.Booking()))
            try await t.deliver(body)
            let second = try await t.deliver(body)
            #expect(try second.json()["status"] as? String == "duplicate")
            #expect(try await Consultation.query(on: t.app.db).count() == 1)
            #expect(try await Student.query(on: t.app.db).count() == 1)
            #expect(try await WebhookDelivery.query(on: t.app.db).count() == 2)
        }
    }

    @Test func studentNamedByUTMContentWins() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let chosen = try await Fixtures.student("Chosen Student", email: "chosen@example.com", on: t.app)
            try await Fixtures.student("Same Email", email: "jonas.berg@student.example", on: t.app)
            var booking = P.Booking()
            booking.utmContent = "student-\(try chosen.requireID().uuidString)"
            try await t.deliver(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking)))
            let consultation = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(consultation.$student.id == chosen.id)
        }
    }

    @Test func studentMatchedByEmailIgnoringCase() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let known = try await Fixtures.student("Known", email: "jonas.berg@student.example", on: t.app)
            var booking = P.Booking()
            booking.email = "Jonas.Berg@Student.Example"
            booking.utmContent = "student-\(UUID().uuidString)"  // names nobody: falls back to email
            try await t.deliver(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking)))
            let consultation = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(consultation.$student.id == known.id)
            #expect(try await Student.query(on: t.app.db).count() == 1)
        }
    }

    @Test func topicFromTheConfiguredQuestion() async throws {
        var settings = webhookSettings
        settings.topicQuestion = "Which course?"
        try await withTestApp(calendly: settings) { t in
            var booking = P.Booking()
            booking.answers = [("Phone", "+46 70 000"), ("Which course?", "Linear algebra")]
            try await t.deliver(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking)))
            #expect(try await Consultation.query(on: t.app.db).first()?.topic == "Linear algebra")
        }
    }

    @Test func otherEventsAreStoredAsIgnored() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let body = try JSONSerialization.data(withJSONObject: ["event": "routing_form_submission.created", "created_at": "2031-11-24T14:00:03.000000Z", "payload": ["uri": "x"]])
            let response = try await t.deliver(body)
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ignored")
            #expect(try await WebhookDelivery.query(on: t.app.db).first()?.state == .ignored)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }
}

@Suite("Webhook receiver: bad input")
struct WebhookBadInputTests {
    typealias P = CalendlyPayloads

    static var validBody: Data {
        (try? P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(P.Booking()))) ?? Data()
    }

    @Test(arguments: [
        ("no header", [:] as [String: String]),
        ("malformed header", ["Calendly-Webhook-Signature": "v1=abc"]),
        ("wrong signature", ["Calendly-Webhook-Signature": "t=\(Int(Date().timeIntervalSince1970)),v1=\(String(repeating: "ab", count: 32))"]),
        ("wrong key", ["Calendly-Webhook-Signature": WebhookSignature.sign(body: validBody, key: "not-the-key", timestamp: Int(Date().timeIntervalSince1970))]),
        ("stale", ["Calendly-Webhook-Signature": WebhookSignature.sign(body: validBody, key: P.signingKey, timestamp: Int(Date().timeIntervalSince1970) - 600)]),
        ("future", ["Calendly-Webhook-Signature": WebhookSignature.sign(body: validBody, key: P.signingKey, timestamp: Int(Date().timeIntervalSince1970) + 600)]),
    ])
    func refusedSignaturesAre401AndStoreNothing(_ name: String, headers: [String: String]) async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let response = try await t.deliver(Self.validBody, headers: HTTPHeaders(headers.map { ($0.key, $0.value) }))
            #expect(response.status == .unauthorized, "\(name)")
            #expect(try await WebhookDelivery.query(on: t.app.db).count() == 0)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }

    @Test func noSigningKeyIs503() async throws {
        try await withTestApp { t in
            let response = try await t.deliver(Self.validBody)
            #expect(response.status == .serviceUnavailable)
            #expect(try response.errorCode().message?.contains("CALENDLY_WEBHOOK_SECRET") == true)
            #expect(try await WebhookDelivery.query(on: t.app.db).count() == 0)
        }
    }

    @Test func aBodyOfExactlyOneMebibyteIsAccepted() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let body = Data(repeating: UInt8(ascii: " "), count: 1 << 20)
            let response = try await t.app.testing(method: .running(port: 0)).sendRequest(
                .POST, "/api/calendar/webhook/calendly", headers: P.headers(for: body), body: ByteBuffer(data: body))
            #expect(response.status == .ok, "signed, so stored (as failed: it is not JSON)")
            #expect(try await WebhookDelivery.query(on: t.app.db).count() == 1)
        }
    }

    @Test func bodyOverOneMebibyteIs413() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let body = Data(repeating: UInt8(ascii: " "), count: 1_100_000)
            let response = try await t.app.testing(method: .running(port: 0)).sendRequest(
                .POST, "/api/calendar/webhook/calendly", headers: P.headers(for: body), body: ByteBuffer(data: body))
            #expect(response.status == .payloadTooLarge)
            #expect(try await WebhookDelivery.query(on: t.app.db).count() == 0)
        }
    }

    @Test(arguments: [
        ("not JSON", "this is not json"),
        ("JSON of the wrong shape", #"[1, 2, 3]"#),
        ("no payload.uri", #"{"event":"invitee.created","created_at":"2031-11-24T14:00:03.000000Z","payload":{"email":"a@b.co"}}"#),
        ("dates that do not parse", #"{"event":"invitee.created","created_at":"yesterday","payload":{"uri":"https://api.calendly.com/scheduled_events/E/invitees/I"}}"#),
        ("event dates that do not parse", #"{"event":"invitee.created","created_at":"2031-11-24T14:00:03Z","payload":{"uri":"https://api.calendly.com/scheduled_events/E/invitees/I","scheduled_event":{"uri":"https://api.calendly.com/scheduled_events/E","start_time":"soon","end_time":"later"}}}"#),
        ("no scheduled event", #"{"event":"invitee.created","created_at":"2031-11-24T14:00:03Z","payload":{"uri":"https://api.calendly.com/scheduled_events/E/invitees/I"}}"#),
    ])
    func signedButUnusableBodiesAreStoredAsFailed(_ name: String, body: String) async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let data = Data(body.utf8)
            let response = try await t.deliver(data)
            #expect(response.status == .ok, "\(name)")
            #expect(try response.json()["status"] as? String == "failed", "\(name)")
            let delivery = try #require(try await WebhookDelivery.query(on: t.app.db).first())
            #expect(delivery.state == .failed)
            #expect(delivery.error?.isEmpty == false)
            #expect(delivery.body == data)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }
}
