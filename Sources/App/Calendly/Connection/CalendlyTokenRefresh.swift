import Fluent
import Vapor

/// Keeps the Calendly token entered on Settings the same on every instance: a signed-in request
/// whose data version is newer than the token's last read reads it again (one primary-key read),
/// so a token saved or removed through one instance is used by every other from its next request.
///
/// `WatchCalendlyTokenForDataVersion` makes a change of token move the data version, which the
/// sign-in checks have read already. While nothing changes, a request costs one comparison; after
/// any change of data, the requests that miss together on an event loop share one read.
/// (With futures: see `SecurityHeadersMiddleware`.)
struct CalendlyTokenRefresh: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let app = request.application, state = app.configState
        // A token in the environment wins over Settings: nothing to read.
        guard !state.environmentSetsToken else { return next.respond(to: request) }
        return request.dataVersionFuture().flatMap { version in
            if state.settingsTokenIsCurrent(at: version) { return next.respond(to: request) }
            let db = request.db, sandbox = app.appConfig.sandboxMode
            // The shared read begins after every request sharing it read its version (`CoalescedRead`).
            return state.settingsTokenReads.value(on: request.eventLoop) {
                db.eventLoop.makeFutureWithTask { try await CalendlyConnectionStore(db: db, sandbox: sandbox).settingsToken() }
            }.flatMap { token in
                guard state.useSettingsToken(token, readAt: version) else { return next.respond(to: request) }
                // Who the account is and what it may do were the old token's answers.
                return request.eventLoop.makeFutureWithTask { await app.calendly.accountCache.invalidate() }
                    .flatMap { next.respond(to: request) }
            }
        }
    }
}

extension Application {
    /// The Settings token as stored now, for background work, which has no request to read the
    /// data version for it.
    func refreshCalendlySettingsToken() async throws {
        guard !configState.environmentSetsToken else { return }
        let version = try await DataVersion.future(on: db).get()
        guard !configState.settingsTokenIsCurrent(at: version) else { return }
        let token = try await CalendlyConnectionStore(db: db, sandbox: appConfig.sandboxMode).settingsToken()
        if configState.useSettingsToken(token, readAt: version) { await calendly.accountCache.invalidate() }
    }
}
