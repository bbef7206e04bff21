import NIOConcurrencyHelpers
import Vapor

/// Where the Calendly token comes from: `CALENDLY_API_KEY` when set, else the token the owner
/// entered on Settings, which takes effect at once, without a restart.
final class CalendlyTokenSource: Sendable {
    enum Origin: String, Sendable {
        case environment, settings, none
    }

    private let stored = NIOLockedValueBox<String?>(nil)

    var settingsToken: String? { stored.withLockedValue { $0 } }

    func use(_ token: String?) {
        stored.withLockedValue { $0 = token }
    }
}

extension Application {
    private struct TokenSourceKey: StorageKey { typealias Value = CalendlyTokenSource }

    var calendlyTokens: CalendlyTokenSource {
        if let existing = storage[TokenSourceKey.self] { return existing }
        let source = CalendlyTokenSource()
        storage[TokenSourceKey.self] = source
        return source
    }

    /// Loads the token stored on Settings; `serve` and the commands call this after migrating.
    func loadCalendlyTokenFromSettings() async throws {
        let connection = try await CalendlyConnectionStore(db: db, sandbox: appConfig.sandboxMode).load()
        calendlyTokens.use(connection?.apiToken)
    }

    /// Which token is in use, for Settings to say.
    var calendlyTokenOrigin: CalendlyTokenSource.Origin {
        if environmentConfig.calendly.apiKey != nil { return .environment }
        return calendlyTokens.settingsToken == nil ? .none : .settings
    }
}
