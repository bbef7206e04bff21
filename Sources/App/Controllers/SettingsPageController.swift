import Vapor

/// The Settings page: the account, and the Calendly connection as configured.
struct SettingsPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("settings", use: show)
    }

    func show(req: Request) async throws -> View {
        let account = try req.auth.require(Account.self)
        let config = req.application.appConfig
        let context = SettingsPageContext(
            page: PageChrome(request: req, title: "Settings", section: "settings"),
            accountEmail: account.email, timeZone: account.timeZone,
            calendlyConfigured: config.calendly.isConfigured,
            mode: config.sandboxMode ? "sandbox" : "live",
            maskedKey: config.calendly.apiKey.map(Secret.mask),
            apiBaseURL: config.calendly.apiBaseURL.absoluteString,
            webhookURL: config.webhookURL,
            webhookSecretConfigured: config.calendly.webhookSecret != nil
        )
        return try await req.view.render("settings", context)
    }
}

enum Secret {
    /// `eyJr…x9Q`: enough to recognise a key, never enough to use it.
    static func mask(_ secret: String) -> String {
        guard secret.count > 8 else { return String(repeating: "•", count: secret.count) }
        return "\(secret.prefix(4))…\(secret.suffix(3))"
    }
}

extension AppConfig {
    /// Where Calendly should send webhook deliveries.
    var webhookURL: String {
        publicBaseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/calendar/webhook/calendly"
    }
}
