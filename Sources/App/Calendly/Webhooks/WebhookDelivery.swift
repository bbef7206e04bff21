import Fluent
import Foundation

/// The inbox: every webhook delivery whose signature verified, kept byte for byte before it is processed.
final class WebhookDelivery: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "event") var event: String
    @OptionalField(key: "invitee_uri") var inviteeURI: String?
    @OptionalField(key: "envelope_created_at") var envelopeCreatedAt: String?
    @Field(key: "body") var body: Data
    @Field(key: "state") var state: WebhookDeliveryState
    @OptionalField(key: "error") var error: String?
    @OptionalField(key: "processed_at") var processedAt: Date?

    init() {}

    init(id: UUID? = nil, receivedAt: Date, event: String, inviteeURI: String?, envelopeCreatedAt: String?, body: Data) {
        self.id = id
        self.receivedAt = receivedAt
        self.event = event
        self.inviteeURI = inviteeURI
        self.envelopeCreatedAt = envelopeCreatedAt
        self.body = body
        self.state = .pending
    }
}

enum WebhookDeliveryState: String, Codable, CaseIterable, Sendable {
    case pending, processed, duplicate, ignored, failed
}
