import Foundation

/// Whose data to ask for: the whole organization (admin or owner tokens) or one user.
enum CalendlyScope: Sendable, Equatable {
    case organization(String)
    case user(String, organization: String)

    var name: String {
        switch self {
        case .organization: "organization"
        case .user: "user"
        }
    }

    var organizationURI: String {
        switch self {
        case .organization(let uri), .user(_, let uri): uri
        }
    }

    /// The owner filter of list calls: `organization=…` or `user=…`.
    var listQuery: [(String, String)] {
        switch self {
        case .organization(let uri): [("organization", uri)]
        case .user(let uri, _): [("user", uri)]
        }
    }
}

extension CalendlyClient {
    func currentUser() async throws -> CalendlyUser {
        try await get("/users/me", as: CalendlyResource<CalendlyUser>.self).resource
    }

    /// The token owner's role in the organization (`owner`, `admin` or `user`), if Calendly says.
    func role(of userURI: String, in organizationURI: String) async throws -> String? {
        let page = try await get("/organization_memberships", query: [("user", userURI), ("organization", organizationURI)],
                                 as: CalendlyPage<CalendlyMembership>.self)
        return page.collection.first?.role
    }

    func activeEventTypes(_ scope: CalendlyScope) async throws -> [CalendlyEventType] {
        // Event types belong to users; for an organization token we still show the token owner's own.
        try await all("/event_types", query: scope.listQuery + [("active", "true")], as: CalendlyEventType.self)
    }

    func scheduledEvents(_ scope: CalendlyScope, from: Date, to: Date, onPage: @Sendable (Int) -> Void = { _ in }) async throws -> [CalendlyScheduledEvent] {
        try await all("/scheduled_events", query: scope.listQuery + [
            ("min_start_time", ISO8601.format(from)), ("max_start_time", ISO8601.format(to)), ("sort", "start_time:asc"),
        ], as: CalendlyScheduledEvent.self, onPage: onPage)
    }

    func scheduledEvent(_ uri: String) async throws -> CalendlyScheduledEvent {
        try await get(uri, as: CalendlyResource<CalendlyScheduledEvent>.self).resource
    }

    func invitees(of eventURI: String) async throws -> [CalendlyInvitee] {
        try await all(eventURI + "/invitees", query: [], as: CalendlyInvitee.self)
    }

    func invitee(_ uri: String) async throws -> CalendlyInvitee {
        try await get(uri, as: CalendlyResource<CalendlyInvitee>.self).resource
    }

    func webhookSubscriptions(_ scope: CalendlyScope) async throws -> [CalendlyWebhookSubscription] {
        var query = [("organization", scope.organizationURI), ("scope", scope.name)]
        if case .user(let uri, _) = scope { query.append(("user", uri)) }
        return try await all("/webhook_subscriptions", query: query, as: CalendlyWebhookSubscription.self)
    }

    func createWebhookSubscription(url: String, events: [String], scope: CalendlyScope, signingKey: String) async throws -> CalendlyWebhookSubscription {
        var body: [String: Any] = ["url": url, "events": events, "organization": scope.organizationURI, "scope": scope.name, "signing_key": signingKey]
        if case .user(let uri, _) = scope { body["user"] = uri }
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = try await send(.POST, "/webhook_subscriptions", body: data)
        return try decode(CalendlyResource<CalendlyWebhookSubscription>.self, from: response).resource
    }

    func deleteWebhookSubscription(_ uri: String) async throws {
        _ = try await send(.DELETE, uri, body: nil)
    }
}
