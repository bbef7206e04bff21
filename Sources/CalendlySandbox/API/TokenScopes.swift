import NIOConcurrencyHelpers
import Vapor

/// Personal access tokens and their scopes (REFERENCE-2026.md: since March 2026 a token has only
/// the scopes ticked when it was made). The default token has the scopes of `--token-scopes`, or
/// every scope; the control API issues more with chosen scopes.
final class TokenScopes: Sendable {
    /// Every scope the sandbox's API checks.
    static let all = ["users:read", "event_types:read", "availability:read", "scheduled_events:read",
                      "scheduled_events:write", "webhooks:write", "scheduling_links:write"]

    private let defaultToken: String
    private let issued: NIOLockedValueBox<[String: Set<String>]>

    init(defaultToken: String, defaultScopes: [String]?) {
        self.defaultToken = defaultToken
        issued = NIOLockedValueBox([defaultToken: Set(defaultScopes ?? Self.all)])
    }

    /// The scopes of `token`, or nil when it is no token of this sandbox.
    func scopes(of token: String) -> Set<String>? {
        issued.withLockedValue { $0[token] }
    }

    func issue(scopes: [String]) -> String {
        let token = "sandbox-pat-" + UUID().uuidString.lowercased()
        issued.withLockedValue { $0[token] = Set(scopes) }
        return token
    }

    /// The scope a call needs, by its method and path; a `:write` scope includes its `:read`.
    static func required(method: HTTPMethod, path: String) -> String? {
        let first = path.split(separator: "/").first.map(String.init) ?? ""
        switch (method, first) {
        case (_, "users"), (_, "organization_memberships"), (_, "organizations"): return "users:read"
        case (_, "event_types"): return "event_types:read"
        case (_, "event_type_available_times"): return "availability:read"
        case (.GET, "scheduled_events"): return "scheduled_events:read"
        case (_, "scheduled_events"), (_, "invitees"), (_, "invitee_no_shows"): return "scheduled_events:write"
        case (_, "webhook_subscriptions"): return "webhooks:write"
        case (_, "scheduling_links"): return "scheduling_links:write"
        default: return nil
        }
    }

    static func allows(_ scopes: Set<String>, _ needed: String) -> Bool {
        if scopes.contains(needed) { return true }
        guard needed.hasSuffix(":read") else { return false }
        return scopes.contains(String(needed.dropLast(":read".count)) + ":write")
    }
}
