import Fluent
import Vapor

/// `crm serve`: migrates, prints the setup link while no account exists, optionally starts the
/// Calendly sandbox, then hands over to Vapor's own serve command (which handles signals).
struct CRMServeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Address to listen on (default 127.0.0.1).")
        var hostname: String?
        @Option(name: "port", short: "p", help: "Port to listen on (default 8080).")
        var port: Int?
        @Flag(name: "calendly-sandbox", help: "Start the built-in Calendly sandbox and point the app at it.")
        var calendlySandbox: Bool
        @Option(name: "sandbox-port", help: "Port of the Calendly sandbox (default: the app's port + 1).")
        var sandboxPort: Int?
    }

    var help: String { "Runs the web app (migrating the database first)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let hostname = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        try await app.autoMigrate()
        try await app.loadCalendlyTokenFromSettings()
        if !app.appConfig.publicBaseURLIsSet, let url = URL(string: "http://\(hostname == "0.0.0.0" ? "127.0.0.1" : hostname):\(port)") {
            app.environmentConfig.publicBaseURL = url
        }
        if signature.calendlySandbox {
            try await SandboxLauncher.start(app, hostname: hostname, port: signature.sandboxPort ?? port + 1)
            if try await DemoNotebook.seedIfEmpty(app) {
                app.logger.notice("A fresh database: demo students, notes and follow-ups added beside the sandbox's bookings.")
            }
            await SandboxLauncher.subscribe(app)
        }
        await CalendlyBackgroundWork.start(app)
        ExpiredSessions.startSweeping(app)
        SearchIndexing.start(app)
        if try await !app.accounts.hasAccount() {
            let token = app.setupLink.issue()
            let base = app.appConfig.publicBaseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            context.console.output("No owner account yet. Open this one-time link to create it:".consoleText(.warning))
            context.console.output("  \(base)\(AppRoute.setup(token: token).path)".consoleText(.info))
            context.console.output("(or run: crm user create --email you@example.com)")
        }
        // Added last, so it stops first, while everything else still runs.
        app.lifecycle.use(StopListeningFirst())
        var serveContext = context
        serveContext.input = CommandInput(arguments: ["serve", "--hostname", hostname, "--port", String(port)])
        try await app.servers.asyncCommand.run(using: &serveContext)
    }
}
