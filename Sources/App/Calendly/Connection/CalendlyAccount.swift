import Foundation

/// What the configured token can see, looked up from Calendly and cached briefly.
struct CalendlyAccount: Sendable {
    var user: CalendlyUser
    var organizationURI: String
    /// `owner`, `admin` or `user`; nil when Calendly would not say.
    var role: String?
    var scope: CalendlyScope
    var eventTypes: [CalendlyEventType]
    /// The subscription whose callback is this app's webhook URL, if Calendly lists one.
    var subscription: CalendlyWebhookSubscription?
    /// Why the subscription could not be read (a missing scope, a plan limit), if it could not.
    var subscriptionError: CalendlyError?
    /// Scopes the token lacks, found from the calls Calendly refused while looking the account up.
    var missingScopes: [CalendlyAPIScope] = []

    static func load(client: CalendlyClient, configuredOrganization: String?, webhookURL: String) async throws -> CalendlyAccount {
        let user = try await client.currentUser()
        guard let organization = configuredOrganization ?? user.currentOrganization else {
            throw CalendlyError.notFound("organization for this user; set CALENDLY_ORGANIZATION_URI")
        }
        // Organization-wide calls need an admin or owner; anyone else reads their own data.
        let role: String?
        do {
            role = try await client.role(of: user.uri, in: organization)
        } catch let error as CalendlyError where !error.isTransient && error != .unauthorized {
            role = nil
        }
        let scope: CalendlyScope = (role == "owner" || role == "admin") ? .organization(organization) : .user(user.uri, organization: organization)
        var missing: [CalendlyAPIScope] = []
        var eventTypes: [CalendlyEventType] = []
        do {
            eventTypes = try await client.activeEventTypes(.user(user.uri, organization: organization))
        } catch CalendlyError.missingScope(let lacking) {
            missing.append(lacking)
        }
        // Sync and the popup read scheduled events; one item tells whether the token may.
        do {
            _ = try await client.get("/scheduled_events", query: scope.listQuery + [("count", "1")], as: CalendlyPage<CalendlyScheduledEvent>.self)
        } catch CalendlyError.missingScope(let lacking) {
            missing.append(lacking)
        }
        var subscription: CalendlyWebhookSubscription?
        var subscriptionError: CalendlyError?
        do {
            // The newest generation for this app's address (a recreation may leave an older one).
            subscription = try await client.webhookSubscriptions(scope)
                .filter { WebhookCallback.matches($0.callbackUrl, webhookURL) }
                .max { WebhookCallback.generation(of: $0.callbackUrl) < WebhookCallback.generation(of: $1.callbackUrl) }
        } catch let error as CalendlyError {
            subscriptionError = error
            if case .missingScope(let lacking) = error { missing.append(lacking) }
        }
        return CalendlyAccount(user: user, organizationURI: organization, role: role, scope: scope, eventTypes: eventTypes,
                               subscription: subscription, subscriptionError: subscriptionError, missingScopes: missing)
    }
}

/// Keeps the last look-up for `ttl` seconds so page loads do not spend Calendly's rate limit
/// (50 requests a minute on the free plan); concurrent callers share one look-up. A failure is
/// kept only for `failureTTL`, so the app notices soon when Calendly recovers.
actor CalendlyAccountCache {
    private let ttl: TimeInterval
    private let failureTTL: TimeInterval
    private var cached: (at: Date, result: Result<CalendlyAccount, CalendlyError>)?
    private var inFlight: Task<Result<CalendlyAccount, CalendlyError>, Never>?
    /// Moves at each `invalidate`, so a look-up begun before it is not kept.
    private var generation = 0
    /// The token's user as last seen, kept past expiry: pages that only label meetings "booked by
    /// you" read it without asking Calendly.
    private(set) var lastUserURI: String?

    init(ttl: TimeInterval = 60, failureTTL: TimeInterval = 5) {
        self.ttl = ttl
        self.failureTTL = failureTTL
    }

    func account(now: Date = Date(), load: @escaping @Sendable () async throws -> CalendlyAccount) async -> Result<CalendlyAccount, CalendlyError> {
        if let cached {
            let lifetime = (try? cached.result.get()) == nil ? failureTTL : ttl
            if now.timeIntervalSince(cached.at) < lifetime { return cached.result }
        }
        if let inFlight { return await inFlight.value }
        let task = Task { () -> Result<CalendlyAccount, CalendlyError> in
            do {
                return .success(try await load())
            } catch let error as CalendlyError {
                return .failure(error)
            } catch {
                return .failure(.unreachable(String(describing: error)))
            }
        }
        inFlight = task
        let started = generation
        let result = await task.value
        // Invalidated meanwhile (a new token): this answer is the old token's; it is neither kept
        // nor given to later callers.
        guard started == generation else { return result }
        inFlight = nil
        cached = (Date(), result)
        if case .success(let account) = result { lastUserURI = account.user.uri }
        return result
    }

    func invalidate() {
        cached = nil
        inFlight = nil
        generation += 1
    }
}
