import NIOHTTP1

/// A personal access token made since March 2026 has only the scopes ticked when it was made
/// (REFERENCE-2026.md, "Scopes"). The app knows which scope each call needs, so a 403 can name the
/// missing scope and what it blocks, decided from which call was refused rather than from wording.
enum CalendlyAPIScope: String, CaseIterable, Sendable {
    case usersRead = "users:read"
    case eventTypesRead = "event_types:read"
    case availabilityRead = "availability:read"
    case scheduledEventsRead = "scheduled_events:read"
    case scheduledEventsWrite = "scheduled_events:write"
    case webhooksWrite = "webhooks:write"
    case schedulingLinksWrite = "scheduling_links:write"

    /// What stops working without it, as the owner would say it.
    var blocks: String {
        switch self {
        case .usersRead: "reading your Calendly account"
        case .eventTypesRead: "choosing a meeting type on the Calendar page"
        case .availabilityRead: "showing open times when booking for a student"
        case .scheduledEventsRead: "bringing bookings into the CRM (sync and the popup)"
        case .scheduledEventsWrite: "booking for a student and marking no-shows from the CRM"
        case .webhooksWrite: "receiving bookings, cancellations and no-shows by webhook"
        case .schedulingLinksWrite: "single-use booking links"
        }
    }

    /// Every scope the app uses: what the README tells the owner to tick.
    static let all = allCases

    /// The scope a call to `path` (an API path, no host) with `method` needs, if the app knows it.
    static func required(method: HTTPMethod, path: String) -> CalendlyAPIScope? {
        let segments = path.split(separator: "/").map(String.init)
        switch (method, segments.first ?? "") {
        case (_, "users"), (_, "organization_memberships"), (_, "organizations"): return .usersRead
        case (_, "event_types"): return .eventTypesRead
        case (_, "event_type_available_times"): return .availabilityRead
        case (.GET, "scheduled_events"): return .scheduledEventsRead
        case (_, "scheduled_events"), (_, "invitees"), (_, "invitee_no_shows"): return .scheduledEventsWrite
        case (_, "webhook_subscriptions"): return .webhooksWrite
        case (_, "scheduling_links"): return .schedulingLinksWrite
        default: return nil
        }
    }
}
