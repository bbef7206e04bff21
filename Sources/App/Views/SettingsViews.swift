struct SettingsPageContext: Encodable {
    var page: PageChrome
    var accountEmail: String
    var timeZone: String
    var calendlyConfigured: Bool
    var mode: String
    var maskedKey: String?
    var apiBaseURL: String
    var webhookURL: String
    var checks: [HealthCheckRow]
    var problems: [CalendlyConfigResponse.Problem]
    var hasProblems: Bool
    var subscriptionState: String
    var subscriptionAction: String
    var lastSync: String?
    var failedDeliveries: [FailedDeliveryRow]
    var failedCount: Int
    var syncResult: String?
}

struct HealthCheckRow: Encodable {
    var name: String
    var passed: Bool
    var detail: String
    var hint: String?
}

struct FailedDeliveryRow: Encodable {
    var id: String
    var receivedAt: String
    var event: String
    var error: String
    var state: String
}
