import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import LeafKit
import SQLKit
import Vapor

/// Wires the app: database, sessions, middleware, views, routes, commands. Tests call this too.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.environmentConfig = config
    try await configureDatabase(app, config.database)
    registerMigrations(app)
    app.deliveryCommitter = app.makeDeliveryCommitter()
    app.readCaches = ReadCaches()
    app.searchMemory = SearchMemory()
    _ = app.setupLink
    _ = app.signInThrottle
    _ = app.tokenUse
    app.metrics = AppMetrics()
    app.databaseOutage = DatabaseOutage()
    app.calendly = CalendlyAccess(transport: LiveCalendlyTransport(client: app.http.client.shared), metrics: app.metrics)
    app.bookingsInFlight = BookingsInFlight()

    useLeafWithTemplateCache(app)
    app.routes.defaultMaxBodySize = BodyLimits.prose
    // A connection that neither sends nor receives for 30 s is closed, so idle or stalled clients
    // cannot hold the server's connections; a body still gets `BodyLimits.arrivalDeadline` in all.
    app.http.server.configuration.idleTimeout = .seconds(30)
    configureJSON()
    configureSessions(app, config: config)

    // Order matters: errors wrap everything, so even failures get security headers and the JSON shape.
    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(AppErrorMiddleware())
    let inFlight = RequestsInFlight()
    app.requestsInFlight = inFlight
    app.middleware.use(inFlight)
    app.middleware.use(StaticFilesMiddleware(files: FileMiddleware(publicDirectory: app.directory.publicDirectory)))
    app.middleware.use(app.sessions.middleware)

    try routes(app)
    registerCommands(app)
    app.lifecycle.use(inFlight)
}

private func configureDatabase(_ app: Application, _ location: DatabaseLocation) async throws {
    switch location {
    case .sqliteMemory:
        // A database for this process only, in a temporary file as sqlite-kit keeps its "in-memory"
        // ones, but removed at shutdown (sqlite-kit's are left behind), and readable by the app's
        // own readers (`SQLiteReader`) as a file database is.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crm-\(UUID().uuidString).sqlite").path
        app.lifecycle.use(RemoveOnShutdown(paths: [path, path + "-wal", path + "-shm"]))
        try await useSQLite(app, path: path)
    case .sqliteFile(let path):
        try await useSQLite(app, path: path)
    case .postgres(let url):
        var configuration = try SQLPostgresConfiguration(url: url)
        // A server that never answers is reported within seconds, not left to hang the start.
        configuration.coreConfiguration.options.connectTimeout = .seconds(5)
        // Four connections per event loop: background work holds one for its advisory lock
        // (`ExclusiveWork`), and a webhook's transaction must not wait behind a page's reads.
        app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        app.databaseWriter = DatabaseWriter(lock: nil)
    }
}

private func useSQLite(_ app: Application, path: String) async throws {
    app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
    app.databaseWriter = DatabaseWriter(lock: AsyncLock())
    // WAL lets pages read while a webhook writes.
    try await app.db.sql().raw("PRAGMA journal_mode=WAL").run()
    let reader = SQLiteReader(path: path)
    app.sqliteReader = reader
    app.lifecycle.use(CloseOnShutdown(reader: reader))
}

private func configureJSON() {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    ContentConfiguration.global.use(encoder: encoder, for: .json)
}

/// Leaf parses templates on every render in the development environment, which `crm serve` runs
/// in unless told otherwise; the templates ship with the app, so they are parsed once here.
private func useLeafWithTemplateCache(_ app: Application) {
    app.views.use { app in
        var userInfo = app.leaf.userInfo
        userInfo["application"] = app
        return LeafRenderer(configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache,
                            sources: app.leaf.sources, eventLoop: app.eventLoopGroup.any(), userInfo: userInfo)
    }
}

private func configureSessions(_ app: Application, config: AppConfig) {
    let idleLimit = TimeInterval(config.sessionIdleDays) * 24 * 60 * 60
    app.sessions.use { app in QuietSessionDriver(inner: app.fluent.sessions.driver(), idleLimit: idleLimit) }
    let secure = config.usesHTTPS
    app.sessions.configuration = SessionsConfiguration(cookieName: "crm_session") { id in
        // Max-Age rather than Expires: the same lifetime, without formatting a date on every response.
        HTTPCookies.Value(string: id.string, expires: nil, maxAge: config.sessionIdleDays * 24 * 60 * 60,
                          domain: nil, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
