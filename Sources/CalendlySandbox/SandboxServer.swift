import Vapor

/// An offline Calendly: its API, booking widget and webhooks, served by its own Vapor
/// application on its own port, so it is a separate origin exactly as Calendly is.
public final class SandboxServer: Sendable {
    private let app: Application
    private let context: SandboxContext
    /// The API base, e.g. `http://127.0.0.1:8081`; resource URIs and paths hang off it.
    public let baseURL: String

    public var widgetScriptURL: String { baseURL + "/assets/external/widget.js" }
    public var widgetCSSURL: String { baseURL + "/assets/external/widget.css" }
    public var apiToken: String { context.options.apiToken }

    private init(app: Application, context: SandboxContext, baseURL: String) {
        self.app = app
        self.context = context
        self.baseURL = baseURL
    }

    /// Starts the sandbox and returns once it is listening.
    public static func start(options: SandboxOptions, logger: Logger) async throws -> SandboxServer {
        // A named environment with no arguments keeps Vapor from reading the host process's
        // command line, which belongs to whoever embeds the sandbox.
        let environment = Environment(name: "calendly-sandbox", arguments: ["calendly-sandbox"])
        let app = try await Application.make(environment, .singleton, logger: logger)
        let context = SandboxContext(options: options, logger: logger)
        app.middleware = Middlewares()
        app.middleware.use(CalendlyErrorMiddleware(logger: logger))
        app.routes.defaultMaxBodySize = "1mb"
        // Embedded in `crm serve`, its requests must not count among the app's HTTP metrics.
        app.http.server.configuration.reportMetrics = false
        SandboxRoutes.register(app, context: context)
        do {
            try await app.asyncBoot()
            try await app.server.start(address: .hostname(options.host, port: options.port))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let port = app.http.server.shared.localAddress?.port ?? options.port
        let host = ["0.0.0.0", "::", ""].contains(options.host) ? "127.0.0.1" : options.host
        let bound = host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        let base = options.publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? bound
        await context.store.setBase(base)
        logger.info("Calendly sandbox listening on \(bound)")
        return SandboxServer(app: app, context: context, baseURL: base)
    }

    /// Stops webhook deliveries and the server.
    public func shutdown() async throws {
        await context.dispatcher.stop()
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Changes what goes wrong from now on (the same as `POST /_sandbox/misbehaviour`).
    public func setMisbehaviour(_ misbehaviour: Misbehaviour) async {
        await context.chaos.update(misbehaviour)
    }

    /// Test hook: waits until queued and held webhook deliveries have been attempted.
    public func flushWebhooks() async {
        await context.dispatcher.flush()
    }
}
