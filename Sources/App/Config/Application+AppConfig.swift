import Vapor

extension Application {
    private struct AppConfigKey: StorageKey { typealias Value = AppConfig }

    /// The configuration `configure` was given; `serve --calendly-sandbox` adjusts it before serving.
    public var appConfig: AppConfig {
        get {
            guard let config = storage[AppConfigKey.self] else {
                preconditionFailure("configure(_:config:) must run before the configuration is read")
            }
            return config
        }
        set { storage[AppConfigKey.self] = newValue }
    }
}
