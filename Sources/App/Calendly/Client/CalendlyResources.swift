import Foundation

// Calendly's resources as the app reads them (REFERENCE §3). Decoded leniently: unknown fields are
// ignored and everything but the URI is optional, because Calendly adds fields and leaves others null.
// Snake-case names are spelled out in `CodingKeys` rather than converted by the decoder: converting
// every key of every object was about half the cost of decoding a webhook delivery.

struct CalendlyUser: Decodable, Sendable, Equatable {
    var uri: String
    var name: String?
    var slug: String?
    var email: String?
    var schedulingUrl: String?
    var timezone: String?
    var avatarUrl: String?
    var currentOrganization: String?

    private enum CodingKeys: String, CodingKey {
        case uri, name, slug, email, timezone
        case schedulingUrl = "scheduling_url"
        case avatarUrl = "avatar_url"
        case currentOrganization = "current_organization"
    }
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
    var required: Bool?
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

    private enum CodingKeys: String, CodingKey {
        case uri, name, active, slug, duration, kind, color
        case schedulingUrl = "scheduling_url"
        case descriptionPlain = "description_plain"
        case customQuestions = "custom_questions"
        case deletedAt = "deleted_at"
    }
}

struct CalendlyLocation: Decodable, Sendable, Equatable {
    var type: String?
    var location: String?
    var joinUrl: String?
    var status: String?

    private enum CodingKeys: String, CodingKey {
        case type, location, status
        case joinUrl = "join_url"
    }
}

struct CalendlyCancellation: Decodable, Sendable, Equatable {
    var canceledBy: String?
    var reason: String?
    var cancelerType: String?
    var createdAt: Date?

    private enum CodingKeys: String, CodingKey {
        case reason
        case canceledBy = "canceled_by"
        case cancelerType = "canceler_type"
        case createdAt = "created_at"
    }
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

    private enum CodingKeys: String, CodingKey {
        case uri, name, status, location, cancellation
        case startTime = "start_time"
        case endTime = "end_time"
        case eventType = "event_type"
        case updatedAt = "updated_at"
    }
}

struct CalendlyTracking: Decodable, Sendable, Equatable {
    var utmCampaign: String?
    var utmSource: String?
    var utmMedium: String?
    var utmContent: String?
    var utmTerm: String?

    private enum CodingKeys: String, CodingKey {
        case utmCampaign = "utm_campaign"
        case utmSource = "utm_source"
        case utmMedium = "utm_medium"
        case utmContent = "utm_content"
        case utmTerm = "utm_term"
    }
}

struct CalendlyAnswer: Decodable, Sendable, Equatable {
    var question: String?
    var answer: String?
    var position: Int?
}

struct CalendlyNoShow: Decodable, Sendable, Equatable {
    var uri: String?
    var createdAt: Date?

    private enum CodingKeys: String, CodingKey {
        case uri
        case createdAt = "created_at"
    }
}

/// The host asked the invitee to reconfirm (`created_at`); they did at `confirmed_at`.
struct CalendlyReconfirmation: Decodable, Sendable, Equatable {
    var createdAt: Date?
    var confirmedAt: Date?

    private enum CodingKeys: String, CodingKey {
        case createdAt = "created_at"
        case confirmedAt = "confirmed_at"
    }
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
    /// `instant_book` when booked through the Scheduling API, else null (REFERENCE-2026).
    var schedulingMethod: String?
    /// The user who booked on the invitee's behalf.
    var inviteeScheduledBy: String?
    var reconfirmation: CalendlyReconfirmation?

    private enum CodingKeys: String, CodingKey {
        case uri, event, email, name, status, timezone, tracking, rescheduled, cancellation
        case questionsAndAnswers = "questions_and_answers"
        case oldInvitee = "old_invitee"
        case newInvitee = "new_invitee"
        case cancelUrl = "cancel_url"
        case rescheduleUrl = "reschedule_url"
        case noShow = "no_show"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case scheduledEvent = "scheduled_event"
        case schedulingMethod = "scheduling_method"
        case inviteeScheduledBy = "invitee_scheduled_by"
        case reconfirmation
    }
}

struct CalendlyWebhookSubscription: Decodable, Sendable, Equatable {
    var uri: String
    var callbackUrl: String?
    var state: String?
    var events: [String]?
    var scope: String?
    var retryStartedAt: Date?

    private enum CodingKeys: String, CodingKey {
        case uri, state, events, scope
        case callbackUrl = "callback_url"
        case retryStartedAt = "retry_started_at"
    }
}

struct CalendlyResource<Value: Decodable & Sendable>: Decodable, Sendable {
    var resource: Value
}

struct CalendlyPage<Value: Decodable & Sendable>: Decodable, Sendable {
    struct Pagination: Decodable, Sendable {
        var nextPage: String?
        var nextPageToken: String?

        private enum CodingKeys: String, CodingKey {
            case nextPage = "next_page"
            case nextPageToken = "next_page_token"
        }
    }
    var collection: [Value]
    var pagination: Pagination?
}

/// Calendly's error body: `{"title": ..., "message": ..., "details": [...]}`.
struct CalendlyErrorBody: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        var parameter: String?
        var message: String?
        var code: String?
    }
    var title: String?
    var message: String?
    var details: [Detail]?
}

enum CalendlyJSON {
    /// Dates with or without fractional seconds. Keys are matched as sent (see `CodingKeys` above).
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
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
