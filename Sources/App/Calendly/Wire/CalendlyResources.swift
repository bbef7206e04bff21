import Foundation

// Calendly's resources as the app reads them (REFERENCE §3). Decoded leniently: unknown fields are
// ignored and everything but the URI is optional, because Calendly adds fields and leaves others null.

struct CalendlyUser: Decodable, Sendable, Equatable {
    var uri: String
    var name: String?
    var slug: String?
    var email: String?
    var schedulingUrl: String?
    var timezone: String?
    var avatarUrl: String?
    var currentOrganization: String?
}

struct CalendlyMembership: Decodable, Sendable {
    var uri: String?
    var role: String?
    var organization: String?
}

struct CalendlyCustomQuestion: Decodable, Sendable, Equatable {
    var name: String?
    var type: String?
    var position: Int?
    var enabled: Bool?
}

struct CalendlyEventType: Decodable, Sendable, Equatable {
    var uri: String
    var name: String?
    var active: Bool?
    var slug: String?
    var schedulingUrl: String?
    var duration: Int?
    var kind: String?
    var color: String?
    var descriptionPlain: String?
    var customQuestions: [CalendlyCustomQuestion]?
    var deletedAt: Date?
}

struct CalendlyLocation: Decodable, Sendable, Equatable {
    var type: String?
    var location: String?
    var joinUrl: String?
    var status: String?
}

struct CalendlyCancellation: Decodable, Sendable, Equatable {
    var canceledBy: String?
    var reason: String?
    var cancelerType: String?
    var createdAt: Date?
}

struct CalendlyScheduledEvent: Decodable, Sendable, Equatable {
    var uri: String
    var name: String?
    var status: String?
    var startTime: Date
    var endTime: Date
    var eventType: String?
    var location: CalendlyLocation?
    var cancellation: CalendlyCancellation?
    var updatedAt: Date?
}

struct CalendlyTracking: Decodable, Sendable, Equatable {
    var utmCampaign: String?
    var utmSource: String?
    var utmMedium: String?
    var utmContent: String?
    var utmTerm: String?
}

struct CalendlyAnswer: Decodable, Sendable, Equatable {
    var question: String?
    var answer: String?
    var position: Int?
}

struct CalendlyNoShow: Decodable, Sendable, Equatable {
    var uri: String?
    var createdAt: Date?
}

struct CalendlyInvitee: Decodable, Sendable, Equatable {
    var uri: String
    var event: String?
    var email: String?
    var name: String?
    var status: String?
    var timezone: String?
    var questionsAndAnswers: [CalendlyAnswer]?
    var tracking: CalendlyTracking?
    var rescheduled: Bool?
    var oldInvitee: String?
    var newInvitee: String?
    var cancelUrl: String?
    var rescheduleUrl: String?
    var cancellation: CalendlyCancellation?
    var noShow: CalendlyNoShow?
    var createdAt: Date?
    var updatedAt: Date?
    /// Present in webhook payloads only; the REST resource has `event` (a URI) instead.
    var scheduledEvent: CalendlyScheduledEvent?
}

struct CalendlyWebhookSubscription: Decodable, Sendable, Equatable {
    var uri: String
    var callbackUrl: String?
    var state: String?
    var events: [String]?
    var scope: String?
    var retryStartedAt: Date?
}

struct CalendlyResource<Value: Decodable & Sendable>: Decodable, Sendable {
    var resource: Value
}

struct CalendlyPage<Value: Decodable & Sendable>: Decodable, Sendable {
    struct Pagination: Decodable, Sendable {
        var nextPage: String?
        var nextPageToken: String?
    }
    var collection: [Value]
    var pagination: Pagination?
}

/// Calendly's error body: `{"title": ..., "message": ..., "details": [...]}`.
struct CalendlyErrorBody: Decodable, Sendable {
    var title: String?
    var message: String?
}

enum CalendlyJSON {
    /// snake_case keys, dates with or without fractional seconds.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        return decoder
    }
}
