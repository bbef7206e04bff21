import Foundation
struct SettingsPageContext: Encodable {
    var page: PageChrome
    var accountEmail: String
    var timeZone: String
    /// The account form's values: the stored ones, or what was sent when a save was refused.
    var details: AccountDetailsForm
    var timeZones: [String]
    var errors: [String: String]
    var calendlyConfigured: Bool
    var mode: String
    var maskedKey: String?
    /// `environment`, `settings` or `none`: where the token in use comes from.
    var tokenOrigin: String
    /// A token the owner entered that was refused, kept in its field.
    var enteredToken: String?
    /// Why Calendly cannot deliver webhooks to PUBLIC_BASE_URL, if it cannot.
    var deliveryProblem: String?
    var apiBaseURL: String
    var webhookURL: String
    var checks: [HealthCheckRow]
    /// One plain sentence: whether Calendly can reach the app, and when a booking last arrived.
    var summary: CalendlyStatusSummary
    var problems: [CalendlyConfigResponse.Problem]
    var hasProblems: Bool
    var subscriptionState: String
    var subscriptionAction: String
    var lastSync: String?
    var failedDeliveries: [FailedDeliveryRow]
    var failedCount: Int
    var syncResult: String?
    /// When the live calendar feed address was made, if there is one.
    var feedMadeAt: String?
    /// The address just made: shown once, never again.
    var newFeedURL: String?
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

/// The owner's email and time zone, as the Settings form sends them.
struct AccountDetailsForm: Codable {
    var email: String?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case email, timeZone = "time_zone"
    }
}

/// A password change: never shown again on the page.
struct PasswordChangeForm: Codable {
    var currentPassword: String?
    var newPassword: String?
    var newPasswordConfirmation: String?

    enum CodingKeys: String, CodingKey {
        case currentPassword = "current_password", newPassword = "new_password", newPasswordConfirmation = "new_password_confirmation"
    }
}

/// The first thing Settings says about Calendly, in words.
struct CalendlyStatusSummary: Encodable {
    var text: String
    var healthy: Bool

    static func sentence(configured: Bool, account: Result<CalendlyAccount, CalendlyError>, problems: Int,
                         lastDeliveryAt: Date?, time: TimeDisplay, now: Date = Date()) -> CalendlyStatusSummary {
        guard configured else {
            return .init(text: "Calendly is not connected yet: enter a personal access token below.", healthy: false)
        }
        guard let account = try? account.get() else {
            return .init(text: "Calendly cannot be used right now: see the problem below.", healthy: false)
        }
        let last = lastDeliveryAt.map { "the last booking arrived \(RelativeTime.describe($0, now: now, time: time))" }
        if account.subscription?.state == "active" {
            let tail = last ?? "no booking has arrived by webhook yet"
            return .init(text: "Calendly can reach the app: \(tail).", healthy: problems == 0)
        }
        let tail = last.map { "; \($0)" } ?? ""
        return .init(text: "Calendly is connected, but not sending bookings to the app by webhook\(tail). \(problems == 1 ? "One thing needs" : "\(problems) things need") attention below.",
                     healthy: false)
    }
}
