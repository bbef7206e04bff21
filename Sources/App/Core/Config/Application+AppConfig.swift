import NIOConcurrencyHelpers
import Vapor

/// The configuration and the Calendly token entered on Settings, kept together so that a request
/// reads both with one look-up: `Application.storage` copies its whole dictionary under a lock on
/// every access, and the configuration is read several times a request.
final class AppConfigState: Sendable {
    private let state: NIOLockedValueBox<(environment: AppConfig, settingsToken: String?)>

    init(_ environment: AppConfig) {
        state = NIOLockedValueBox((environment, nil))
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

    var settingsToken: String? {
        get { state.withLockedValue { $0.settingsToken } }
        set { state.withLockedValue { $0.settingsToken = newValue } }
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
