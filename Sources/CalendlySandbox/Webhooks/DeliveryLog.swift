import Foundation

/// One line of what the dispatcher did with a delivery, kept so tests and scripts can see
/// retries, drops and duplicates (`GET /_sandbox/deliveries`).
struct DeliveryLogEntry: Sendable {
    enum Outcome: String, Sendable {
        case delivered, failed, dropped, held, duplicate, skipped, disabled
    }

    let sequence: Int
    let deliveryID: Int
    let subscriptionUUID: String
    let callbackURL: String
    let event: String
    let inviteeURI: String
    let attempt: Int
    let outcome: Outcome
    let statusCode: Int?
    let error: String?
    let at: Date

    func json(_ wire: Wire) -> JSON {
        .object([
            ("sequence", .int(sequence)), ("delivery_id", .int(deliveryID)),
            ("subscription", .string(wire.subscriptionURI(subscriptionUUID))),
            ("callback_url", .string(callbackURL)), ("event", .string(event)),
            ("invitee_uri", .string(inviteeURI)), ("attempt", .int(attempt)),
            ("outcome", .string(outcome.rawValue)), ("status_code", statusCode.map(JSON.int) ?? .null),
            ("error", .string(error)), ("at", .string(CalendlyTime.format(at))),
        ])
    }
}
