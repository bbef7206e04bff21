struct SettingsPageContext: Encodable {
    var page: PageChrome
    var accountEmail: String
    var timeZone: String
    var calendlyConfigured: Bool
    var mode: String
    var maskedKey: String?
    var apiBaseURL: String
    var webhookURL: String
    var webhookSecretConfigured: Bool
}
