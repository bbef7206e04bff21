import Foundation

/// The calls that change something in Calendly (SPEC 4.5, REFERENCE-2026): no-show marks, the
/// host's cancellation, open times, booking through the Scheduling API, single-use links.
extension CalendlyClient {
    /// `POST /invitee_no_shows`; the new mark's URI.
    func markNoShow(inviteeURI: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["invitee": inviteeURI])
        let response = try await send(.POST, "/invitee_no_shows", body: body)
        guard let uri = try decode(CalendlyResource<CalendlyNoShow>.self, from: response).resource.uri else {
            throw CalendlyError.malformed("the no-show mark has no uri")
        }
        return uri
    }

    /// `DELETE /invitee_no_shows/{uuid}`.
    func unmarkNoShow(markURI: String) async throws {
        _ = try await send(.DELETE, markURI, body: nil)
    }

    /// `POST /scheduled_events/{uuid}/cancellation`: the host cancels the meeting for everyone.
    func cancelEvent(_ eventURI: String, reason: String) async throws -> CalendlyCancellation {
        let body = try JSONSerialization.data(withJSONObject: ["reason": reason])
        let response = try await send(.POST, eventURI + "/cancellation", body: body)
        return try decode(CalendlyResource<CalendlyCancellation>.self, from: response).resource
    }

    /// Calendly answers at most this many days of open times a call (REFERENCE-2026, since 2026-07).
    static let availableTimesDaysPerCall = 31

    /// `GET /event_type_available_times` over `from..<to`, one call per 31 days.
    func availableTimes(eventType: String, from: Date, to: Date) async throws -> [CalendlyAvailableTime] {
        var times: [CalendlyAvailableTime] = []
        var start = from
        while start < to {
            let end = min(to, start.addingTimeInterval(TimeInterval(Self.availableTimesDaysPerCall * 86_400)))
            let page = try await get("/event_type_available_times", query: [
                ("event_type", eventType), ("start_time", ISO8601.format(start)), ("end_time", ISO8601.format(end)),
            ], as: CalendlyList<CalendlyAvailableTime>.self)
            times += page.collection.filter { ($0.status ?? "available") == "available" }
            start = end
        }
        return times
    }

    /// `POST /invitees`: books `start` for the invitee. Never repeated on a 429 (`.limitReached`):
    /// a booking is not something to retry behind the owner's back.
    func bookInvitee(_ booking: CalendlyBookingRequest) async throws -> CalendlyInvitee {
        let response = try await send(.POST, "/invitees", body: try JSONEncoder().encode(booking), waitOutRateLimit: false)
        return try decode(CalendlyResource<CalendlyInvitee>.self, from: response).resource
    }

    /// `POST /scheduling_links`: a link to `eventType` that can be booked once.
    func createSingleUseLink(eventType: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["max_event_count": 1, "owner": eventType, "owner_type": "EventType"])
        let response = try await send(.POST, "/scheduling_links", body: body)
        guard let url = try decode(CalendlyResource<CalendlySchedulingLink>.self, from: response).resource.bookingUrl else {
            throw CalendlyError.malformed("the scheduling link has no booking_url")
        }
        return url
    }
}

struct CalendlyAvailableTime: Decodable, Sendable, Equatable {
    var status: String?
    var startTime: Date
    var schedulingUrl: String?

    private enum CodingKeys: String, CodingKey {
        case status
        case startTime = "start_time"
        case schedulingUrl = "scheduling_url"
    }
}

/// A list answer without paging (`/event_type_available_times`).
struct CalendlyList<Value: Decodable & Sendable>: Decodable, Sendable {
    var collection: [Value]
}

struct CalendlySchedulingLink: Decodable, Sendable {
    var bookingUrl: String?

    private enum CodingKeys: String, CodingKey {
        case bookingUrl = "booking_url"
    }
}

/// The body of `POST /invitees` (REFERENCE-2026).
struct CalendlyBookingRequest: Encodable, Sendable {
    struct Invitee: Encodable, Sendable {
        var email: String
        var timezone: String
        var name: String
    }
    struct Answer: Encodable, Sendable {
        var question: String
        var answer: String
        var position: Int
    }
    /// Calendly wants all six keys when tracking is sent, nulls included.
    struct Tracking: Encodable, Sendable {
        var utmContent: String

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeNil(forKey: .utmCampaign)
            try container.encode("personal-crm", forKey: .utmSource)
            try container.encodeNil(forKey: .utmMedium)
            try container.encode(utmContent, forKey: .utmContent)
            try container.encodeNil(forKey: .utmTerm)
            try container.encodeNil(forKey: .salesforceUUID)
        }

        private enum Keys: String, CodingKey {
            case utmCampaign = "utm_campaign", utmSource = "utm_source", utmMedium = "utm_medium"
            case utmContent = "utm_content", utmTerm = "utm_term", salesforceUUID = "salesforce_uuid"
        }
    }

    var eventType: String
    var startTime: String
    var invitee: Invitee
    var questionsAndAnswers: [Answer]
    var tracking: Tracking

    private enum CodingKeys: String, CodingKey {
        case eventType = "event_type", startTime = "start_time", invitee
        case questionsAndAnswers = "questions_and_answers", tracking
    }
}
