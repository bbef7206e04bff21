import Fluent
import Foundation
import Vapor

/// The Calendly token entered on Settings: checked with Calendly before it is kept, stored in the
/// database, and used at once.
struct CalendlyTokenSettings {
    let app: Application
    let db: any Database

    /// Checks `raw` with Calendly and keeps it; returns who the token belongs to.
    func save(_ raw: String?) async throws -> String {
        guard app.environmentConfig.calendly.apiKey == nil else {
            throw AppError.invalid(field: "api_token", message: "is set by CALENDLY_API_KEY in the environment, which wins; remove it there to manage the token here")
        }
        let token = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw AppError.invalid(field: "api_token", message: "is required: paste the personal access token from Calendly") }
        guard token.utf8.count <= 4_096, HeaderValue.isSafe(token), !token.contains(" ") else {
            throw AppError.invalid(field: "api_token", message: "is not a Calendly token: it holds spaces or control characters")
        }
        var settings = app.appConfig.calendly
        settings.apiKey = token
        var client = try app.calendly.client(settings)
        client.maxRateLimitWait = 5
        let owner: String
        do {
            let user = try await client.currentUser()
            owner = [user.name, user.email.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ")
        } catch let error as CalendlyError {
            switch error {
            case .missingScope, .planLimit:
                // The token is Calendly's; what it may do is shown as problems once it is kept.
                owner = "this token"
            case .unauthorized:
                throw AppError.invalid(field: "api_token", message: "was refused by Calendly: it is invalid or was revoked. Create a new one in Calendly (Integrations → API and webhooks)")
            default:
                throw AppError.invalid(field: "api_token", message: "could not be checked: \(error.message) Try again in a moment")
            }
        }
        try await app.databaseWriter.transaction(on: db) { db in
            let connection = try await CalendlyConnectionStore(db: db, sandbox: false).loadOrNew()
            connection.apiToken = token
            try await connection.save(on: db)
        }
        app.useCalendlySettingsToken(token)
        await app.calendly.accountCache.invalidate()
        return owner
    }

    /// Forgets the token entered on Settings; Calendly is then not configured (unless the
    /// environment sets one).
    func remove() async throws {
        try await app.databaseWriter.transaction(on: db) { db in
            guard let connection = try await CalendlyConnectionStore(db: db, sandbox: false).load() else { return }
            connection.apiToken = nil
            try await connection.save(on: db)
        }
        app.useCalendlySettingsToken(nil)
        await app.calendly.accountCache.invalidate()
    }
}
