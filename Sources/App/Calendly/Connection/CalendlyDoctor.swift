import Fluent
import Foundation

/// The checks behind `crm calendly doctor` and the Settings page: each passes or fails with what to do.
struct CalendlyDoctor {
    struct Check: Sendable, Equatable {
        var name: String
        var passed: Bool
        var detail: String
        var hint: String?
    }

    let config: AppConfig
    let account: Result<CalendlyAccount, CalendlyError>
    let connection: CalendlyConnection?
    let lastDeliveryAt: Date?
    /// How a time is written: ISO 8601 for the terminal, words on the Settings page.
    var formatTime: (Date) -> String = ISO8601.format

    func checks() -> [Check] {
        var checks: [Check] = []
        guard config.calendly.isConfigured else {
            return [Check(name: "API key", passed: false, detail: "CALENDLY_API_KEY is not set", hint: CalendlyError.notConfigured.hint)]
        }
        checks.append(Check(name: "API key", passed: true, detail: "set (\(Secret.mask(config.calendly.apiKey ?? "")))"))
        switch account {
        case .failure(let error):
            checks.append(Check(name: "Calendly answers", passed: false, detail: error.message, hint: error.hint))
        case .success(let account):
            checks.append(Check(name: "Token", passed: true, detail: "valid for \(account.user.name ?? "?") <\(account.user.email ?? "?")>"))
            checks.append(Check(name: "Scope", passed: true,
                                detail: "\(account.scope.name) (role: \(account.role ?? "unknown")) in \(account.organizationURI)",
                                hint: account.scope.name == "user" ? "Only this user's bookings are seen; an admin or owner token sees the whole organization." : nil))
            let missing = account.missingScopes
            checks.append(Check(name: "Token scopes", passed: missing.isEmpty,
                                detail: missing.isEmpty ? "every call the app makes was allowed"
                                    : missing.map { "missing \($0.rawValue) (blocks \($0.blocks))" }.joined(separator: "; "),
                                hint: missing.isEmpty ? nil : CalendlyError.missingScope(missing[0]).hint))
            checks.append(Check(name: "Event types", passed: !account.eventTypes.isEmpty, detail: "\(account.eventTypes.count) active",
                                hint: account.eventTypes.isEmpty ? "Create or turn on an event type in Calendly." : nil))
            checks.append(subscriptionCheck(account))
        }
        let keyKnown = config.calendly.webhookSecret != nil || connection?.signingKey != nil
        checks.append(Check(name: "Webhook signing key", passed: keyKnown,
                            detail: config.calendly.webhookSecret != nil ? "CALENDLY_WEBHOOK_SECRET" : (keyKnown ? "stored when the app subscribed" : "none"),
                            hint: keyKnown ? nil : "Run `crm calendly subscribe`, or set CALENDLY_WEBHOOK_SECRET."))
        checks.append(Check(name: "Last delivery", passed: true, detail: lastDeliveryAt.map(formatTime) ?? "none received yet"))
        return checks
    }

    private func subscriptionCheck(_ account: CalendlyAccount) -> Check {
        if let error = account.subscriptionError {
            return Check(name: "Webhook subscription", passed: false, detail: error.message, hint: error.hint)
        }
        guard let subscription = account.subscription else {
            return Check(name: "Webhook subscription", passed: false, detail: "none for \(config.webhookURL)",
                         hint: "Run `crm calendly subscribe`.")
        }
        let active = subscription.state == "active"
        return Check(name: "Webhook subscription", passed: active, detail: "\(subscription.state ?? "unknown") (\(subscription.uri))",
                     hint: active ? nil : "Run `crm calendly subscribe --replace` to recreate it, then `crm calendly sync`.")
    }
}
