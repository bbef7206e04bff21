import Fluent
import Foundation

/// Builds the config endpoint's answer, turning every fault into a problem with a fix, never an error.
struct CalendlyConfigReport {
    let config: AppConfig
    let account: Result<CalendlyAccount, CalendlyError>
    let storedConnection: CalendlyConnection?
    let lastDeliveryAt: Date?

    static let utmSource = "personal-crm"

    func build() -> CalendlyConfigResponse {
        var problems: [CalendlyConfigResponse.Problem] = []
        var user: CalendlyConfigResponse.User?
        var eventTypes: [CalendlyConfigResponse.EventType] = []
        var organization: String?
        var scope: String?
        var subscriptionState = "unknown"
        switch account {
        case .failure(let error):
            problems.append(.init(code: error.code, message: error.message, hint: error.hint))
        case .success(let account):
            user = .init(name: account.user.name ?? "", email: account.user.email ?? "", schedulingURL: account.user.schedulingUrl,
                         timezone: account.user.timezone, avatarURL: account.user.avatarUrl)
            organization = account.organizationURI
            scope = account.scope.name
            eventTypes = account.eventTypes.compactMap(Self.eventType)
            for lacking in account.missingScopes {
                let error = CalendlyError.missingScope(lacking)
                problems.append(.init(code: error.code, message: error.message, hint: error.hint))
            }
            if eventTypes.isEmpty, !account.missingScopes.contains(.eventTypesRead) {
                problems.append(.init(code: "calendly_no_event_types", message: "The Calendly account has no active event types to book.",
                                      hint: "Create or turn on an event type in Calendly."))
            }
            if let configured = config.calendly.organizationURI, let current = account.user.currentOrganization, configured != current {
                problems.append(.init(code: "calendly_organization_mismatch",
                                      message: "CALENDLY_ORGANIZATION_URI is not the token owner's organization (\(current)).",
                                      hint: "Set CALENDLY_ORGANIZATION_URI to \(current), or remove it to use the token owner's organization."))
            }
            subscriptionState = account.subscription?.state ?? "none"
            problems += subscriptionProblems(account)
        }
        let signingKeyConfigured = config.calendly.webhookSecret != nil || storedConnection?.signingKey != nil
        if config.calendly.isConfigured && !signingKeyConfigured {
            problems.append(.init(code: "webhook_secret_missing", message: "Webhook deliveries cannot be verified: no signing key is set.",
                                  hint: "Run `crm calendly subscribe` (the app creates the subscription and keeps its key), or set CALENDLY_WEBHOOK_SECRET to the signing key of a subscription you created."))
        }
        return CalendlyConfigResponse(
            configured: config.calendly.isConfigured && (try? account.get()) != nil,
            mode: config.sandboxMode ? "sandbox" : "live",
            user: user, organizationURI: organization, scope: scope, eventTypes: eventTypes,
            embed: .init(widgetScriptURL: config.calendly.widgetScriptURL.absoluteString, widgetCSSURL: config.calendly.widgetCSSURL.absoluteString,
                         messageOrigin: config.calendly.bookingOrigin, utmSource: Self.utmSource),
            webhook: .init(url: config.webhookURL, signingKeyConfigured: signingKeyConfigured,
                           subscriptionState: subscriptionState, lastDeliveryAt: lastDeliveryAt),
            problems: problems
        )
    }

    private func subscriptionProblems(_ account: CalendlyAccount) -> [CalendlyConfigResponse.Problem] {
        if let error = account.subscriptionError {
            switch error {
            case .missingScope: return []  // reported with the other missing scopes
            case .planLimit, .forbidden:
                return [.init(code: "webhooks_unavailable", message: "Calendly refused webhooks for this account or token: \(error.message)",
                              hint: error.hint + " Until then bookings arrive from the Calendar page and the periodic sync.")]
            default:
                return [.init(code: error.code, message: "The webhook subscription could not be read: \(error.message)", hint: error.hint)]
            }
        }
        guard let subscription = account.subscription else {
            return [.init(code: "webhook_subscription_missing", message: "Calendly has no webhook subscription for \(config.webhookURL).",
                          hint: "Run `crm calendly subscribe` or use the button on the Settings page. Until then bookings arrive by periodic sync.")]
        }
        if subscription.state == "disabled" {
            return [.init(code: "webhook_subscription_disabled", message: "Calendly disabled the webhook subscription after repeated failed deliveries.",
                          hint: "Recreate it from the Settings page (or `crm calendly subscribe --replace`); a sync then catches up what was missed.")]
        }
        return []
    }

    static func eventType(_ type: CalendlyEventType) -> CalendlyConfigResponse.EventType? {
        guard type.active != false, type.deletedAt == nil, let url = type.schedulingUrl, SafeLink.http(url) != nil else { return nil }
        return .init(uri: type.uri, name: type.name ?? type.slug ?? "Meeting", slug: type.slug, duration: type.duration ?? 0,
                     schedulingURL: url, color: type.color, kind: type.kind, description: type.descriptionPlain)
    }
}
