import Vapor

/// Where the Calendly token comes from: `CALENDLY_API_KEY` when set, else the token the owner
/// entered on Settings, which takes effect at once, without a restart.
enum CalendlyTokenOrigin: String, Sendable {
    case environment, settings, none
}

extension Application {
    /// Uses `token` (or none) as the token entered on Settings.
    func useCalendlySettingsToken(_ token: String?) {
        configState.settingsToken = token
    }

    /// Loads the token stored on Settings; `serve` and the commands call this after migrating.
    func loadCalendlyTokenFromSettings() async throws {
        useCalendlySettingsToken(try await CalendlyConnectionStore(db: db, sandbox: appConfig.sandboxMode).settingsToken())
    }

    /// Which token is in use, for Settings to say.
    var calendlyTokenOrigin: CalendlyTokenOrigin {
        if configState.environmentSetsToken { return .environment }
        return configState.settingsToken == nil ? .none : .settings
    }
}
