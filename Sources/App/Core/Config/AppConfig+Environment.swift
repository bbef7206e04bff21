import Foundation

/// A configuration value that could not be used; start-up stops and names every one.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "Invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension AppConfig {
    /// Builds the configuration from environment variables (Vapor has already merged `.env` into them).
    public static func load(from env: [String: String]) throws -> AppConfig {
        var reader = EnvironmentReader(env: env)
        let database = reader.database()
        let publicBaseURL = reader.url("PUBLIC_BASE_URL", default: URL(string: "http://127.0.0.1:8080")!)
        let calendly = CalendlySettings(
            apiKey: reader.string("CALENDLY_API_KEY"),
            webhookSecret: reader.string("CALENDLY_WEBHOOK_SECRET"),
            organizationURI: reader.urlString("CALENDLY_ORGANIZATION_URI"),
            apiBaseURL: reader.url("CALENDLY_API_BASE_URL", default: CalendlySettings.liveAPIBaseURL),
            widgetScriptURL: reader.url("CALENDLY_WIDGET_SCRIPT_URL", default: CalendlySettings.liveWidgetScriptURL),
            widgetCSSURL: reader.url("CALENDLY_WIDGET_CSS_URL", default: CalendlySettings.liveWidgetCSSURL),
            topicQuestion: reader.string("CALENDLY_TOPIC_QUESTION"),
            syncIntervalMinutes: reader.integer("CALENDLY_SYNC_INTERVAL", default: 15, range: 0...10_080),
            webhookToleranceSeconds: reader.integer("CALENDLY_WEBHOOK_TOLERANCE", default: 180, range: 1...86_400)
        )
        let trustedProxies = reader.ipRanges("TRUSTED_PROXIES")
        let sessionIdleDays = reader.integer("SESSION_IDLE_DAYS", default: 30, range: 1...3650)
        let attentionAfterDays = reader.integer("ATTENTION_AFTER_DAYS", default: 30, range: 1...3650)
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return AppConfig(database: database, publicBaseURL: publicBaseURL, publicBaseURLIsSet: reader.string("PUBLIC_BASE_URL") != nil, calendly: calendly,
                         trustedProxies: trustedProxies, sessionIdleDays: sessionIdleDays,
                         attentionAfterDays: attentionAfterDays)
    }
}

/// Reads typed values and collects every bad one instead of stopping at the first.
struct EnvironmentReader {
    let env: [String: String]
    var problems: [String] = []

    /// A set, non-blank value; blank counts as unset so `KEY=` in `.env` means "not configured".
    func string(_ key: String) -> String? {
        guard let value = env[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    mutating func url(_ key: String, default fallback: URL) -> URL {
        guard let raw = string(key) else { return fallback }
        guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            problems.append("\(key) must be an http(s) URL, got \"\(raw)\"")
            return fallback
        }
        return url
    }

    mutating func urlString(_ key: String) -> String? {
        guard let raw = string(key) else { return nil }
        guard let url = URL(string: raw), url.scheme == "https" || url.scheme == "http", url.host != nil else {
            problems.append("\(key) must be a URI like https://api.calendly.com/organizations/XXXX, got \"\(raw)\"")
            return nil
        }
        return raw
    }

    mutating func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = string(key) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            problems.append("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(raw)\"")
            return fallback
        }
        return value
    }

    /// Comma-separated addresses or networks, e.g. `127.0.0.1, 10.0.0.0/8`.
    mutating func ipRanges(_ key: String) -> [IPRange] {
        guard let raw = string(key) else { return [] }
        var ranges: [IPRange] = []
        for item in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            guard let range = IPRange(item) else {
                problems.append("\(key) must list IP addresses or networks such as 127.0.0.1 or 10.0.0.0/8, got \"\(item)\"")
                continue
            }
            ranges.append(range)
        }
        return ranges
    }

    mutating func database() -> DatabaseLocation {
        let raw = string("DATABASE_URL") ?? "sqlite:crm.sqlite"
        if raw == "sqlite::memory:" || raw == "sqlite:memory" { return .sqliteMemory }
        if raw.hasPrefix("sqlite:") {
            var path = String(raw.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            if !path.isEmpty { return .sqliteFile(path) }
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            if URL(string: raw)?.host != nil { return .postgres(raw) }
        }
        problems.append("DATABASE_URL must be sqlite:PATH or postgres://USER@HOST/DB, got \"\(DatabaseFailure.redacted(raw))\"")
        return .sqliteMemory
    }
}
