import AsyncHTTPClient
import Fluent
import Foundation
import Vapor

/// The app's Calendly seam: builds the client from the configuration and holds the shared cache.
final class CalendlyAccess: Sendable {
    let transport: any CalendlyTransport
    let accountCache = CalendlyAccountCache()
    /// How a client waits out a rate limit; tests record the wait instead of sleeping.
    let sleep: @Sendable (Int) async throws -> Void
    /// Counts and times every request (`crm_calendly_requests_total`); none in tests that swap the transport.
    let metrics: AppMetrics?

    init(transport: any CalendlyTransport, sleep: @escaping @Sendable (Int) async throws -> Void = CalendlyClient.liveSleep,
         metrics: AppMetrics? = nil) {
        self.transport = transport
        self.sleep = sleep
        self.metrics = metrics
    }

    func client(_ settings: CalendlySettings) throws -> CalendlyClient {
        guard let key = settings.apiKey else { throw CalendlyError.notConfigured }
        var client = CalendlyClient(baseURL: settings.apiBaseURL, token: key, transport: transport)
        client.sleep = sleep
        client.metrics = metrics
        return client
    }

    /// The account as Calendly describes it; `fresh` skips the cache (a sync should not fail on a
    /// look-up that failed a moment ago).
    func account(_ config: AppConfig, fresh: Bool = false) async -> Result<CalendlyAccount, CalendlyError> {
        guard config.calendly.isConfigured else { return .failure(.notConfigured) }
        if fresh { await accountCache.invalidate() }
        let settings = config.calendly
        let webhookURL = config.webhookURL
        return await accountCache.account { [self] in
            // A page is waiting: a rate limit that resets later than this becomes a problem to show.
            var client = try client(settings)
            client.maxRateLimitWait = 5
            return try await CalendlyAccount.load(client: client, configuredOrganization: settings.organizationURI, webhookURL: webhookURL)
        }
    }
}

extension Application {
    private struct CalendlyAccessKey: StorageKey { typealias Value = CalendlyAccess }

    var calendly: CalendlyAccess {
        get {
            guard let access = storage[CalendlyAccessKey.self] else {
                preconditionFailure("configure(_:config:) sets up Calendly access")
            }
            return access
        }
        set { storage[CalendlyAccessKey.self] = newValue }
    }
}
