import Foundation

/// What went wrong talking to Calendly, worded for the person who has to fix it.
enum CalendlyError: Error, Sendable, Equatable {
    case notConfigured
    case unauthorized
    case forbidden(String)
    /// A 403 on a call that needs a scope the token was not given.
    case missingScope(CalendlyAPIScope)
    /// A 403 whose message asks for a paid plan.
    case planLimit(String)
    case notFound(String)
    case conflict(String)
    case rateLimited(resetAfter: Int)
    case server(status: Int)
    case badRequest(String)
    /// `POST /invitees` refused the start time: taken meanwhile, or never open.
    case timeNotOpen(String)
    /// A limit on what may be done (Calendly's booking limits), not waited out: the owner decides.
    case limitReached(resetAfter: Int, detail: String)
    case timedOut
    case unreachable(String)
    case malformed(String)

    /// A stable code for the config endpoint's `problems` and for logs.
    var code: String {
        switch self {
        case .notConfigured: "calendly_not_configured"
        case .unauthorized: "calendly_token_invalid"
        case .forbidden: "calendly_forbidden"
        case .missingScope: "calendly_missing_scope"
        case .planLimit: "calendly_plan_limit"
        case .notFound: "calendly_not_found"
        case .conflict: "calendly_conflict"
        case .rateLimited: "calendly_rate_limited"
        case .server: "calendly_server_error"
        case .badRequest: "calendly_bad_request"
        case .timeNotOpen: "calendly_time_not_open"
        case .limitReached: "calendly_limit_reached"
        case .timedOut: "calendly_timeout"
        case .unreachable: "calendly_unreachable"
        case .malformed: "calendly_malformed_answer"
        }
    }

    var message: String {
        switch self {
        case .notConfigured: "Calendly is not configured."
        case .unauthorized: "Calendly refused the API key: it is invalid or was revoked."
        case .forbidden(let detail): "Calendly refused the request: \(detail)"
        case .missingScope(let scope): "The Calendly token lacks the scope \(scope.rawValue), so \(scope.blocks) does not work."
        case .planLimit(let detail): "Calendly says this needs another plan: \(detail)"
        case .notFound(let what): "Calendly has no \(what)."
        case .conflict(let detail): "Calendly reports a conflict: \(detail)"
        case .rateLimited(let seconds): "Calendly's rate limit was reached; it resets in \(seconds) s."
        case .server(let status): "Calendly answered with an error (HTTP \(status))."
        case .badRequest(let detail): "Calendly refused the request as invalid: \(detail)"
        case .timeNotOpen(let detail): "That time is no longer open in Calendly\(detail.isEmpty ? "" : " (\(detail))")."
        case .limitReached(let seconds, let detail): "Calendly's limit was reached\(detail.isEmpty ? "" : " (\(detail))"); it resets in \(seconds) s."
        case .timedOut: "Calendly did not answer in time."
        case .unreachable(let detail): "Calendly could not be reached: \(detail)"
        case .malformed(let detail): "Calendly's answer could not be read: \(detail)"
        }
    }

    var hint: String {
        switch self {
        case .notConfigured: "Paste a personal access token (Calendly → Integrations → API and webhooks) on Settings, or set CALENDLY_API_KEY and restart."
        case .unauthorized: "Create a new personal access token in Calendly (Integrations → API and webhooks) and put it where the old one is: on Settings, or in CALENDLY_API_KEY (then restart). Tokens stop working when the Calendly password changes."
        case .forbidden: "Organization-wide access needs an organization owner's or admin's token; with your own token the app reads your own bookings."
        case .missingScope: "In Calendly (Integrations → API and webhooks) create a new personal access token with these scopes ticked: \(CalendlyAPIScope.all.map(\.rawValue).joined(separator: ", ")); then enter it on Settings or in CALENDLY_API_KEY."
        case .planLimit: "Upgrade the Calendly plan, or do without this feature: bookings still arrive from the Calendar page and the periodic sync."
        case .notFound: "Check CALENDLY_ORGANIZATION_URI and that the token belongs to the right Calendly account."
        case .conflict: "Another webhook subscription already uses this URL; use `crm calendly subscribe --replace` to replace it."
        case .rateLimited: "Wait a minute; the app retries by itself."
        case .server, .timedOut, .unreachable, .malformed: "Usually temporary: the app retries on the next sync. Check CALENDLY_API_BASE_URL if it persists."
        case .badRequest: "Check CALENDLY_ORGANIZATION_URI."
        case .timeNotOpen: "Choose another time."
        case .limitReached: "Send the student a single-use booking link instead; it does not count against this limit."
        }
    }

    /// Worth trying again later without changing anything.
    var isTransient: Bool {
        switch self {
        case .rateLimited, .server, .timedOut, .unreachable, .malformed: true
        default: false
        }
    }
}
