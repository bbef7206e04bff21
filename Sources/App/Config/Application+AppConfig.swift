import Vapor

extension Application {
    private struct AppConfigKey: StorageKey { typealias Value = AppConfig }

    /// The configuration in use: what `configure` was given, with the Calendly token entered on
    /// Settings when the environment sets none. Changed through `environmentConfig`.
    public var appConfig: AppConfig {
        var config = environmentConfig
        if config.calendly.apiKey == nil, let token = calendlyTokens.settingsToken {
            config.calendly.apiKey = token
        }
        return config
    }

    /// The configuration as read from the environment (`serve --calendly-sandbox` adjusts it before
    /// serving), without what Settings added.
    public var environmentConfig: AppConfig {
        get {
            guard let config = storage[AppConfigKey.self] else {
                preconditionFailure("configure(_:config:) must run before the configuration is read")
            }
            return config
        }
        set { storage[AppConfigKey.self] = newValue }
    }
}
