import Foundation
import Vapor

/// `GET /api/calendar/config/calendly`: what the Calendar and Settings pages need to know.
struct CalendlyConfigResponse: Content {
    struct User: Codable {
        var name: String
        var email: String
        @NullEncoded var schedulingURL: String?
        @NullEncoded var timezone: String?
        @NullEncoded var avatarURL: String?
    }

    struct EventType: Codable {
        var uri: String
        var name: String
        @NullEncoded var slug: String?
        var duration: Int
        var schedulingURL: String
        @NullEncoded var color: String?
        @NullEncoded var kind: String?
        @NullEncoded var description: String?
    }

    struct Embed: Codable {
        var widgetScriptURL: String
        var widgetCSSURL: String
        var messageOrigin: String
        var utmSource: String

        enum CodingKeys: String, CodingKey {
            case widgetScriptURL = "widget_script_url", widgetCSSURL = "widget_css_url"
            case messageOrigin = "message_origin", utmSource = "utm_source"
        }
    }

    struct Webhook: Codable {
        var url: String
        var signingKeyConfigured: Bool
        /// `active`, `disabled`, `none` (no subscription for this URL) or `unknown`.
        var subscriptionState: String
        @NullEncoded var lastDeliveryAt: Date?
    }

    struct Problem: Codable, Equatable {
        var code: String
        var message: String
        var hint: String
    }

    var configured: Bool
    var mode: String
    @NullEncoded var user: User?
    @NullEncoded var organizationURI: String?
    /// `organization` when the token's owner is an admin or owner, else `user`.
    @NullEncoded var scope: String?
    var eventTypes: [EventType]
    var embed: Embed
    var webhook: Webhook
    var problems: [Problem]
}
