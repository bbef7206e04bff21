@testable import App
import Foundation
import VaporTesting

/// Webhook bodies in Calendly's shapes (REFERENCE §7), with the parts tests vary as parameters.
enum CalendlyPayloads {
    static let signingKey = "whsec-test-key-123"
    static let base = "https://api.calendly.com"

    struct Booking {
        var event = UUID().uuidString.lowercased()
        var invitee = UUID().uuidString.lowercased()
        var name = "Jonas Berg"
        var email = "jonas.berg@student.example"
        var start = "2031-11-28T09:00:00.000000Z"
        var end = "2031-11-28T09:30:00.000000Z"
        var eventName = "Student consultation (30 min)"
        var utmContent: String? = nil
        var answers: [(String, String)] = [("What would you like to discuss?", "Exam preparation plan")]
        var updatedAt = "2031-11-24T14:00:02.517342Z"

        var inviteeURI: String { "\(CalendlyPayloads.base)/scheduled_events/\(event)/invitees/\(invitee)" }
        var eventURI: String { "\(CalendlyPayloads.base)/scheduled_events/\(event)" }
    }

    static func invitee(_ b: Booking, status: String = "active", rescheduled: Bool = false, oldInvitee: String? = nil,
                        newInvitee: String? = nil, canceler: String? = nil, noShow: Bool = false, updatedAt: String? = nil,
                        noShowMark: String? = nil) -> [String: Any] {
        func orNull(_ value: String?) -> Any { value.map { $0 as Any } ?? NSNull() }
        var payload: [String: Any] = [
            "uri": b.inviteeURI, "event": b.eventURI, "email": b.email, "name": b.name,
            "first_name": NSNull(), "last_name": NSNull(), "status": status, "timezone": "Europe/Berlin",
            "questions_and_answers": b.answers.enumerated().map { ["question": $1.0, "answer": $1.1, "position": $0] },
            "tracking": ["utm_campaign": NSNull(), "utm_source": orNull(b.utmContent == nil ? nil : "personal-crm"), "utm_medium": NSNull(),
                         "utm_content": orNull(b.utmContent), "utm_term": NSNull(), "salesforce_uuid": NSNull()],
            "rescheduled": rescheduled, "old_invitee": orNull(oldInvitee), "new_invitee": orNull(newInvitee),
            "cancel_url": "https://calendly.com/cancellations/\(b.invitee)", "reschedule_url": "https://calendly.com/reschedulings/\(b.invitee)",
            "no_show": noShow ? ["uri": "\(base)/invitee_no_shows/\(noShowMark ?? b.invitee)", "created_at": "2031-11-28T10:00:00.000000Z"] as Any : NSNull(),
            "created_at": "2031-11-24T14:00:02.517342Z", "updated_at": updatedAt ?? b.updatedAt,
        ]
        var event: [String: Any] = [
            "uri": b.eventURI, "name": b.eventName, "status": status, "start_time": b.start, "end_time": b.end,
            "event_type": "\(base)/event_types/0d6c3f9e-2b7a-4f51-bc84-1e9a7d2c5f60",
            "location": ["type": "google_conference", "status": "pushed", "join_url": "https://meet.google.com/abc-defg-hij"],
            "created_at": "2031-11-24T14:00:02.498120Z", "updated_at": updatedAt ?? b.updatedAt,
        ]
        if let canceler {
            let cancellation: [String: Any] = ["canceled_by": canceler, "reason": "Conflict", "canceler_type": "invitee", "created_at": "2031-11-26T08:15:40.913455Z"]
            payload["cancellation"] = cancellation
            event["cancellation"] = cancellation
        }
        payload["scheduled_event"] = event
        return payload
    }

    static func envelope(_ event: String, createdAt: String, payload: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["event": event, "created_at": createdAt,
                                                    "created_by": "\(base)/users/5b1e7c2a", "payload": payload])
    }

    static func headers(for body: Data, key: String = signingKey, at date: Date = Date()) -> HTTPHeaders {
        ["Content-Type": "application/json",
         "Calendly-Webhook-Signature": WebhookSignature.sign(body: body, key: key, timestamp: Int(date.timeIntervalSince1970))]
    }
}

extension TestApp {
    /// Posts a signed webhook delivery and returns the response.
    @discardableResult
    func deliver(_ body: Data, headers: HTTPHeaders? = nil) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/api/calendar/webhook/calendly",
                                            headers: headers ?? CalendlyPayloads.headers(for: body), body: ByteBuffer(data: body))
    }
}

/// Settings with the test signing key, as most webhook tests need.
let webhookSettings = CalendlySettings(webhookSecret: CalendlyPayloads.signingKey)
