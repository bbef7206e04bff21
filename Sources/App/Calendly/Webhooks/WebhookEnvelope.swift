import Foundation

/// A webhook delivery's envelope: `{"event", "created_at", "created_by", "payload"}` (REFERENCE §4.2).
struct WebhookEnvelope: Decodable, Sendable {
    var event: String
    var createdAt: Date
    /// `created_at` as sent: part of a delivery's identity, compared as text.
    var createdAtText: String
    var payload: CalendlyInvitee

    private enum CodingKeys: String, CodingKey {
        case event, payload
        case createdAt = "created_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(String.self, forKey: .event)
        createdAtText = try container.decode(String.self, forKey: .createdAt)
        guard let date = ISO8601.parse(createdAtText) else {
            throw DecodingError.dataCorruptedError(forKey: .createdAt, in: container, debugDescription: "not an ISO 8601 date: \(createdAtText)")
        }
        createdAt = date
        payload = try container.decode(CalendlyInvitee.self, forKey: .payload)
    }
}

/// The parts of a delivery that identify it, read without trusting the rest of the body,
/// so even a body that cannot be applied is stored with what can be known of it.
struct WebhookEnvelopeHead: Sendable, Equatable {
    var event: String?
    var createdAt: String?
    var inviteeURI: String?

    /// What a decoded envelope says, cut to the lengths stored.
    init(_ envelope: WebhookEnvelope) {
        event = String(envelope.event.prefix(200))
        createdAt = String(envelope.createdAtText.prefix(100))
        inviteeURI = String(envelope.payload.uri.prefix(1000))
    }

    /// Whatever can be read of a body that did not decode as an envelope.
    init(body: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) as? [String: Any] else { return }
        event = (object["event"] as? String).map { String($0.prefix(200)) }
        createdAt = (object["created_at"] as? String).map { String($0.prefix(100)) }
        inviteeURI = ((object["payload"] as? [String: Any])?["uri"] as? String).map { String($0.prefix(1000)) }
    }
}

/// The invitee events that change consultations.
enum InviteeEvent: String, CaseIterable, Sendable {
    case created = "invitee.created"
    case canceled = "invitee.canceled"
    case noShowCreated = "invitee_no_show.created"
    case noShowDeleted = "invitee_no_show.deleted"
}
