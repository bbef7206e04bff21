import Foundation

/// A webhook delivery's envelope: `{"event", "created_at", "created_by", "payload"}` (REFERENCE §4.2).
struct WebhookEnvelope: Decodable, Sendable {
    var event: String
    var createdAt: Date
    var payload: CalendlyInvitee
}

/// The parts of a delivery that identify it, read without trusting the rest of the body,
/// so even a body that cannot be applied is stored with what can be known of it.
struct WebhookEnvelopeHead: Sendable, Equatable {
    var event: String?
    var createdAt: String?
    var inviteeURI: String?

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
