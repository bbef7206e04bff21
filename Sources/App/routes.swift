import Vapor

/// Open routes first, then everything that needs the owner signed in.
func routes(_ app: Application) throws {
    // Paths come from `AppRoute.Pattern`; these groups add only middleware.
    let api = app.routes
    // Open: health, and (with its own signature check) the Calendly webhook.
    try api.register(collection: HealthController())
    try api.register(collection: WebhookController())

    // The API: an API token (Bearer), or the session cookie with the X-CSRF-Token header on writes.
    // Bodies are read whole (within size and time limits) before the CSRF check looks at them.
    let signedInAPI = api.grouped(BearerTokenAuthenticator(), SessionAccountAuthenticator(), RequireAccountMiddleware(),
                                  BodyCollector(maxSize: BodyLimits.prose), CSRFMiddleware())
    try signedInAPI.register(collection: StudentAPIController())
    try signedInAPI.register(collection: ConsultationAPIController())
    try signedInAPI.register(collection: CalendarAPIController())
    try OpenAPIController.boot(signedInAPI, directory: app.directory)

    // Pages: sign-in and setup are open; the rest redirect to sign-in.
    let browser = app.grouped(SessionAccountAuthenticator())
    try browser.grouped(BodyCollector(maxSize: BodyLimits.small), CSRFMiddleware()).register(collection: AuthPagesController())
    let pages = browser.grouped(RequireAccountMiddleware(), BodyCollector(maxSize: BodyLimits.prose), CSRFMiddleware())
    try pages.register(collection: CalendarPageController())
    try pages.register(collection: StudentPagesController())
    try pages.register(collection: ConsultationPagesController())
    try pages.register(collection: SettingsPageController())
    AuthPagesController.bootSignOut(pages)
}
