import Foundation

/// `POST /_sandbox/bookings`. Tracking can come as `tracking: {utm_source...}` or as
/// top-level `utm_*` keys; answers as `["..."]` or `{"a1": "..."}`.
struct ControlBookingBody: Decodable {
    var event_type: String?
    var start_time: String?
    var name: String?
    var email: String?
    var timezone: String?
    var answers: Answers?
    var tracking: TrackingBody?
    var utm_source: String?
    var utm_medium: String?
    var utm_campaign: String?
    var utm_content: String?
    var utm_term: String?
    var salesforce_uuid: String?

    var trackingValue: Tracking {
        Tracking(utmCampaign: tracking?.utm_campaign ?? utm_campaign, utmSource: tracking?.utm_source ?? utm_source,
                 utmMedium: tracking?.utm_medium ?? utm_medium, utmContent: tracking?.utm_content ?? utm_content,
                 utmTerm: tracking?.utm_term ?? utm_term,
                 salesforceUUID: tracking?.salesforce_uuid ?? salesforce_uuid)
    }
}

struct TrackingBody: Decodable {
    var utm_campaign: String?
    var utm_source: String?
    var utm_medium: String?
    var utm_content: String?
    var utm_term: String?
    var salesforce_uuid: String?
}

/// Answers in question order, from a list or from `a1`...`a10` keys.
struct Answers: Decodable {
    let list: [String]

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let array = try? single.decode([String].self) {
            list = array
            return
        }
        let keyed = try single.decode([String: String].self)
        list = (1...10).map { keyed["a\($0)"] ?? "" }
    }
}

struct ControlCancelBody: Decodable {
    var canceled_by: String?
    var canceler_type: String?
    var reason: String?
}

struct ControlRescheduleBody: Decodable {
    var start_time: String?
    var reason: String?
}
