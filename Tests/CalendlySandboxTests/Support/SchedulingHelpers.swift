import Foundation
import Testing
@testable import CalendlySandbox

/// Helpers for the Scheduling API tests: event type URIs, open times, and JSON bodies.
extension Sandbox {
    /// The URI of the event type with this slug, read from `/event_types` as a client would.
    func eventTypeURI(_ slug: String = "consultation-30") async throws -> String {
        let user = try await me().user
        let types = try await get("/event_types?user=\(user)&count=100").collection
        return try #require(types.first { $0["slug"] as? String == slug }?["uri"] as? String)
    }

    /// `GET /event_type_available_times` from a minute from now for `days` days.
    func openTimes(_ typeURI: String, days: Double = 7) async throws -> HTTPAnswer {
        let from = CalendlyTime.format(Date().addingTimeInterval(60))
        let to = CalendlyTime.format(Date().addingTimeInterval(days * 86_400))
        return try await get("/event_type_available_times?event_type=\(typeURI)&start_time=\(from)&end_time=\(to)")
    }

    /// The open start times of an event type over the next week.
    func openStarts(_ typeURI: String) async throws -> [String] {
        try await openTimes(typeURI).collection.compactMap { $0["start_time"] as? String }
    }

    /// `POST /invitees` with a body built from `fields`.
    func bookDirectly(_ fields: [String: Any], token: String? = nil) async throws -> HTTPAnswer {
        try await call(.POST, "/invitees", json: jsonText(fields), token: token)
    }

    /// A valid `POST /invitees` body for the event type at `start`; tests change one field.
    func directBody(_ typeURI: String, start: String, email: String = "jonas@student.example") -> [String: Any] {
        [
            "event_type": typeURI,
            "start_time": start,
            "invitee": ["email": email, "timezone": "Europe/Berlin", "name": "Jonas Berg"],
            "tracking": ["utm_campaign": NSNull(), "utm_source": "personal-crm", "utm_medium": NSNull(),
                         "utm_content": "student-42", "utm_term": NSNull(), "salesforce_uuid": NSNull()],
        ]
    }
}

/// `object` as JSON text (keys sorted, so failures read the same every run).
func jsonText(_ object: Any) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

extension HTTPAnswer {
    /// The `details` of a Calendly error body.
    var details: [[String: Any]] { json["details"] as? [[String: Any]] ?? [] }

    /// True when a 400 in Calendly's shape names `parameter` (and `code`, when given).
    func isInvalid(_ parameter: String, code: String? = nil) -> Bool {
        status == 400 && json["title"] as? String == "Invalid Argument"
            && details.contains { $0["parameter"] as? String == parameter && (code == nil || $0["code"] as? String == code) }
    }
}
