import Foundation
import Vapor

/// The booking page's fields, from its URL (prefill, UTM, embed settings) or its POST body.
struct BookingForm: Content {
    var start_time: String?
    var name: String?
    var first_name: String?
    var last_name: String?
    var email: String?
    var a1: String?, a2: String?, a3: String?, a4: String?, a5: String?
    var a6: String?, a7: String?, a8: String?, a9: String?, a10: String?
    var utm_source: String?
    var utm_medium: String?
    var utm_campaign: String?
    var utm_content: String?
    var utm_term: String?
    var salesforce_uuid: String?
    var embed_domain: String?
    var embed_type: String?
    var hide_event_type_details: String?
    var timezone: String?
    var reason: String?

    var answers: [String] { [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10].map { $0 ?? "" } }

    var fullName: String {
        if let name, !name.isEmpty { return name }
        return [first_name, last_name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    var tracking: Tracking {
        Tracking(utmCampaign: utm_campaign.nonEmpty, utmSource: utm_source.nonEmpty, utmMedium: utm_medium.nonEmpty,
                 utmContent: utm_content.nonEmpty, utmTerm: utm_term.nonEmpty, salesforceUUID: salesforce_uuid.nonEmpty)
    }

    /// Fields carried through the form unchanged, so the POST keeps the embed's settings and UTM values.
    var carried: [(String, String)] {
        [("utm_source", utm_source), ("utm_medium", utm_medium), ("utm_campaign", utm_campaign),
         ("utm_content", utm_content), ("utm_term", utm_term), ("salesforce_uuid", salesforce_uuid),
         ("embed_domain", embed_domain), ("embed_type", embed_type),
         ("hide_event_type_details", hide_event_type_details)]
            .compactMap { key, value in value.nonEmpty.map { (key, $0) } }
    }

    var hidesDetails: Bool { ["1", "true"].contains(hide_event_type_details ?? "") }

    var embedAttributes: [String: String] {
        embed_domain.nonEmpty.map { ["data-embed-domain": $0] } ?? [:]
    }

    static func hiddenInputs(_ pairs: [(String, String)]) -> String {
        pairs.map { "<input type=\"hidden\" name=\"\(HTML.escape($0.0))\" value=\"\(HTML.escape($0.1))\">" }
            .joined(separator: "\n")
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
