import Vapor

/// Public routes first, then everything that needs the owner signed in.
func routes(_ app: Application) throws {
    let session = app.grouped(Account.sessionAuthenticator())
    let api = session.grouped("api")

    // Open without signing in: health, the webhook (it has its own signature check), sign-in, setup.
    try api.register(collection: HealthController())
    try session.grouped(CSRFMiddleware()).register(collection: AuthPagesController())

    // The API: session cookie (with CSRF header on writes) or Bearer token.
    let protectedAPI = api.grouped(BearerTokenAuthenticator(), RequireAccountMiddleware(), CSRFMiddleware())
    try protectedAPI.register(collection: StudentAPIController())
    try protectedAPI.register(collection: ConsultationAPIController())
    try protectedAPI.register(collection: MeetingsAPIController())
    try OpenAPIController.boot(protectedAPI, directory: app.directory)

    // Pages.
    let pages = session.grouped(RequireAccountMiddleware(), CSRFMiddleware())
    try pages.register(collection: CalendarPageController())
    try pages.register(collection: StudentPagesController())
    try pages.register(collection: ConsultationPagesController())
    try pages.register(collection: SettingsPageController())
    AuthPagesController.bootSignOut(pages)
}
