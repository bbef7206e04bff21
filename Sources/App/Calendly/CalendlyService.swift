import AsyncHTTPClient
import Fluent
import Foundation
import Vapor

/// The app's Calendly seam: builds the client from the configuration and holds the shared cache.
final class CalendlyService: Sendable {
    let transport: any CalendlyTransport
    let accountCache = CalendlyAccountCache()

    init(transport: any CalendlyTransport) {
        self.transport = transport
    }

    func client(_ settings: CalendlySettings) throws -> CalendlyClient {
        guard let key = settings.apiKey else { throw CalendlyError.notConfigured }
        return CalendlyClient(baseURL: settings.apiBaseURL, token: key, transport: transport)
    }

    func account(_ config: AppConfig) async -> Result<CalendlyAccount, CalendlyError> {
        guard config.calendly.isConfigured else { return .failure(.notConfigured) }
        let settings = config.calendly
        let webhookURL = config.webhookURL
        return await accountCache.account { [self] in
            try await CalendlyAccount.load(client: try client(settings), configuredOrganization: settings.organizationURI, webhookURL: webhookURL)
        }
    }
}

extension Application {
    private struct CalendlyServiceKey: StorageKey { typealias Value = CalendlyService }

    var calendly: CalendlyService {
        get {
            guard let service = storage[CalendlyServiceKey.self] else {
                preconditionFailure("configure(_:config:) sets up the Calendly service")
            }
            return service
        }
        set { storage[CalendlyServiceKey.self] = newValue }
    }
}
