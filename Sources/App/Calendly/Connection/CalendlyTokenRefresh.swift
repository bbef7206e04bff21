import Fluent
import Vapor

/// Keeps the Calendly token entered on Settings the same on every instance: a signed-in request
/// whose data version is newer than the token's last read reads it again (one indexed read), so a
/// token saved or removed through one instance is used by every other from its next request.
/// `WatchCalendlyTokenForDataVersion` makes a change of token move the data version, which the
/// sign-in checks read anyway, so a request costs nothing more while the token stays the same.
/// (With futures: see `SecurityHeadersMiddleware`.)
struct CalendlyTokenRefresh: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let app = request.application
        // A token in the environment wins over Settings: nothing to read.
        guard app.environmentConfig.calendly.apiKey == nil else { return next.respond(to: request) }
        return request.dataVersionFuture().flatMap { version in
            if app.configState.settingsTokenIsCurrent(at: version) { return next.respond(to: request) }
            let db = request.db
            return request.eventLoop.makeFutureWithTask {
                try await app.refreshCalendlySettingsToken(at: version, on: db)
            }.flatMap { next.respond(to: request) }
        }
    }
}

extension Application {
    /// Reads the Settings token again unless it was read at data version `version` or later.
    /// `version` must have been read before this call, so the token read is at least that new.
    func refreshCalendlySettingsToken(at version: Int64, on db: any Database) async throws {
        guard environmentConfig.calendly.apiKey == nil, !configState.settingsTokenIsCurrent(at: version) else { return }
        let connection = try await CalendlyConnectionStore(db: db, sandbox: appConfig.sandboxMode).load()
        if configState.useSettingsToken(connection?.apiToken, readAt: version) {
            // Who the account is and what it may do are the old token's answers.
            await calendly.accountCache.invalidate()
        }
    }

    /// The Settings token as stored now: for background work, which has no request to read the
    /// data version for it.
    func refreshCalendlySettingsToken() async throws {
        guard environmentConfig.calendly.apiKey == nil else { return }
        try await refreshCalendlySettingsToken(at: try await DataVersion.future(on: db).get(), on: db)
    }
}
