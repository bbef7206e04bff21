import Foundation
import NIOConcurrencyHelpers
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
    /// Days without a held meeting after which Today lists a student under "Haven't met in a while"
    /// (`ATTENTION_AFTER_DAYS`).
    public var attentionAfterDays: Int

    public init(database: DatabaseLocation, publicBaseURL: URL, publicBaseURLIsSet: Bool = true, calendly: CalendlySettings, sandboxMode: Bool = false,
                trustedProxies: [IPRange] = [], sessionIdleDays: Int = 30, attentionAfterDays: Int = 30) {
        self.trustedProxies = trustedProxies
        self.sessionIdleDays = sessionIdleDays
        self.attentionAfterDays = attentionAfterDays
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

// MARK: - Where the app keeps it

/// The configuration and the Calendly token entered on Settings, kept together so that a request
/// reads both with one look-up: `Application.storage` copies its whole dictionary under a lock on
/// every access, and the configuration is read several times a request.
final class AppConfigState: Sendable {
    private struct State {
        var environment: AppConfig
        var settingsToken: String?
        /// The data version the Settings token was read from the database at (nil: not read so).
        var settingsTokenReadAt: Int64?
    }

    private let state: NIOLockedValueBox<State>
    /// Reads of the stored Settings token, shared by requests that need one at once (`CalendlyTokenRefresh`).
    let settingsTokenReads = CoalescedRead<String?>()

    init(_ environment: AppConfig) {
        state = NIOLockedValueBox(State(environment: environment))
    }

    /// What is in use: the environment's, with the Settings token when the environment sets none.
    var current: AppConfig {
        state.withLockedValue { state in
            guard state.environment.calendly.apiKey == nil, let token = state.settingsToken else { return state.environment }
            var config = state.environment
            config.calendly.apiKey = token
            return config
        }
    }

    var environment: AppConfig {
        get { state.withLockedValue { $0.environment } }
        set { state.withLockedValue { $0.environment = newValue } }
    }

    /// Setting it directly (Settings on this instance, start-up) leaves its data version unknown,
    /// so the next signed-in request reads the stored token again: another instance may have
    /// changed it in between.
    var settingsToken: String? {
        get { state.withLockedValue { $0.settingsToken } }
        set {
            state.withLockedValue { state in
                state.settingsToken = newValue
                state.settingsTokenReadAt = nil
            }
        }
    }

    /// Whether `CALENDLY_API_KEY` sets the token (which then wins over Settings); cheaper than
    /// copying the whole environment's configuration, for a check made on every signed-in request.
    var environmentSetsToken: Bool {
        state.withLockedValue { $0.environment.calendly.apiKey != nil }
    }

    /// Whether the Settings token in use was read at data version `version` or later.
    func settingsTokenIsCurrent(at version: Int64) -> Bool {
        state.withLockedValue { $0.settingsTokenReadAt.map { $0 >= version } ?? false }
    }

    /// Uses `token`, read from the database at data version `version`, unless a later read is in
    /// use already (two requests may read it at once). Returns whether the token changed.
    func useSettingsToken(_ token: String?, readAt version: Int64) -> Bool {
        state.withLockedValue { state in
            if let readAt = state.settingsTokenReadAt, readAt > version { return false }
            let changed = state.settingsToken != token
            state.settingsToken = token
            state.settingsTokenReadAt = version
            return changed
        }
    }
}

extension Application {
    private struct AppConfigKey: StorageKey { typealias Value = AppConfigState }

    var configState: AppConfigState {
        guard let state = storage[AppConfigKey.self] else {
            preconditionFailure("configure(_:config:) must run before the configuration is read")
        }
        return state
    }

    /// The configuration in use: what `configure` was given, with the Calendly token entered on
    /// Settings when the environment sets none. Changed through `environmentConfig`.
    public var appConfig: AppConfig { configState.current }

    /// The configuration as read from the environment (`serve --calendly-sandbox` adjusts it before
    /// serving), without what Settings added.
    public var environmentConfig: AppConfig {
        get { configState.environment }
        set {
            if let state = storage[AppConfigKey.self] {
                state.environment = newValue
            } else {
                storage[AppConfigKey.self] = AppConfigState(newValue)
            }
        }
    }
}
