import Foundation
import Vapor

/// Everything the app reads from its environment, parsed once at start-up.
///
/// Handlers read `req.application.appConfig`; nothing else calls `Environment.get`.
public struct AppConfig: Sendable {
    public var database: DatabaseLocation
    /// The address the owner's browser (and Calendly's webhooks) reach the app at.
    public var publicBaseURL: URL
    /// False when PUBLIC_BASE_URL was not set: `serve` then uses the address it listens on.
    public var publicBaseURLIsSet: Bool
    public var calendly: CalendlySettings
    /// True when `serve --calendly-sandbox` points the app at the in-process stand-in.
    public var sandboxMode: Bool
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    public var trustedProxies: [IPRange]
    /// Days of disuse after which a signed-in session ends (`SESSION_IDLE_DAYS`).
    public var sessionIdleDays: Int

    public init(database: DatabaseLocation, publicBaseURL: URL, publicBaseURLIsSet: Bool = true, calendly: CalendlySettings, sandboxMode: Bool = false,
                trustedProxies: [IPRange] = [], sessionIdleDays: Int = 30) {
        self.trustedProxies = trustedProxies
        self.sessionIdleDays = sessionIdleDays
        self.database = database
        self.publicBaseURL = publicBaseURL
        self.publicBaseURLIsSet = publicBaseURLIsSet
        self.calendly = calendly
        self.sandboxMode = sandboxMode
    }

    /// Session cookies get the `Secure` flag only when the app is served over https.
    public var usesHTTPS: Bool { publicBaseURL.scheme == "https" }
}

public struct CalendlySettings: Sendable {
    public var apiKey: String?
    public var webhookSecret: String?
    public var organizationURI: String?
    public var apiBaseURL: URL
    public var widgetScriptURL: URL
    public var widgetCSSURL: URL
    public var topicQuestion: String?
    /// Minutes between reconciles; 0 turns the periodic sync off.
    public var syncIntervalMinutes: Int
    /// How old a webhook signature's timestamp may be, in seconds.
    public var webhookToleranceSeconds: Int

    public static let liveAPIBaseURL = URL(string: "https://api.calendly.com")!
    public static let liveWidgetScriptURL = URL(string: "https://assets.calendly.com/assets/external/widget.js")!
    public static let liveWidgetCSSURL = URL(string: "https://assets.calendly.com/assets/external/widget.css")!

    public init(
        apiKey: String? = nil, webhookSecret: String? = nil, organizationURI: String? = nil,
        apiBaseURL: URL = liveAPIBaseURL, widgetScriptURL: URL = liveWidgetScriptURL,
        widgetCSSURL: URL = liveWidgetCSSURL, topicQuestion: String? = nil,
        syncIntervalMinutes: Int = 15, webhookToleranceSeconds: Int = 180
    ) {
        self.apiKey = apiKey
        self.webhookSecret = webhookSecret
        self.organizationURI = organizationURI
        self.apiBaseURL = apiBaseURL
        self.widgetScriptURL = widgetScriptURL
        self.widgetCSSURL = widgetCSSURL
        self.topicQuestion = topicQuestion
        self.syncIntervalMinutes = syncIntervalMinutes
        self.webhookToleranceSeconds = webhookToleranceSeconds
    }

    /// The origin the widget's script and styles load from, e.g. `https://assets.calendly.com`.
    public var widgetOrigin: String { widgetScriptURL.origin }

    /// The origin of the booking pages the popup frames, which is also where its messages come
    /// from: Calendly serves the widget from assets.calendly.com but the pages from calendly.com.
    public var bookingOrigin: String {
        widgetScriptURL.host == "assets.calendly.com" ? "https://calendly.com" : widgetOrigin
    }
    public var isConfigured: Bool { apiKey != nil }
}

public enum DatabaseLocation: Sendable, Equatable {
    case sqliteFile(String)
    case sqliteMemory
    case postgres(String)
}

extension URL {
    /// `scheme://host[:port]`, the form browsers compare `event.origin` against.
    var origin: String {
        guard let scheme, let host else { return absoluteString }
        if let port { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }
}
