import Foundation

/// The callback URL of a subscription: the app's webhook address, plus `?generation=N` for each
/// recreation. Calendly refuses two subscriptions of one user with one URL and a URL cannot be
/// changed, so a new subscription is created beside the old one under another query value before
/// the old one is deleted (REFERENCE-2026.md).
enum WebhookCallback {
    /// True when `callback` is `webhookURL`, whatever its generation.
    static func matches(_ callback: String?, _ webhookURL: String) -> Bool {
        guard let callback else { return false }
        return withoutQuery(callback) == withoutQuery(webhookURL)
    }

    static func generation(of callback: String?) -> Int {
        guard let callback, let items = URLComponents(string: callback)?.queryItems else { return 0 }
        return items.first { $0.name == "generation" }.flatMap { $0.value.flatMap(Int.init) } ?? 0
    }

    static func url(_ webhookURL: String, generation: Int) -> String {
        generation <= 0 ? webhookURL : withoutQuery(webhookURL) + "?generation=\(generation)"
    }

    private static func withoutQuery(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}

extension AppConfig {
    /// Where Calendly should send webhook deliveries.
    var webhookURL: String {
        publicBaseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + AppRoute.Pattern.apiCalendlyWebhook.rawValue
    }
}
