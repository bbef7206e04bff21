import CalendlySandbox
import Vapor

/// `serve --calendly-sandbox`: starts the Calendly stand-in in-process on its own port (a separate
/// origin, as Calendly is), points the app's API and widget URLs at it, and subscribes to its webhooks.
/// The live code path is untouched: the app talks to the sandbox exactly as it talks to Calendly.
enum SandboxLauncher {
    static func start(_ app: Application, hostname: String, port: Int) async throws {
        var options = SandboxOptions()
        options.host = hostname
        options.port = port
        let sandbox = try await SandboxServer.start(options: options, logger: app.logger)
        app.lifecycle.use(SandboxLifecycle(sandbox: sandbox))
        guard let base = URL(string: sandbox.baseURL), let script = URL(string: sandbox.widgetScriptURL),
              let css = URL(string: sandbox.widgetCSSURL) else {
            throw CommandFailure("The Calendly sandbox reported an unusable address: \(sandbox.baseURL)")
        }
        app.environmentConfig.sandboxMode = true
        app.environmentConfig.calendly.apiKey = sandbox.apiToken
        app.environmentConfig.calendly.apiBaseURL = base
        app.environmentConfig.calendly.widgetScriptURL = script
        app.environmentConfig.calendly.widgetCSSURL = css
        app.environmentConfig.calendly.webhookSecret = nil
        app.environmentConfig.calendly.organizationURI = nil
        app.logger.notice("Calendly sandbox on \(sandbox.baseURL): bookings are simulated and never reach Calendly.")
    }

    /// Subscribes the app to the sandbox's webhooks; done once the app is listening.
    static func subscribe(_ app: Application) async {
        do {
            let config = app.appConfig
            let client = try app.calendly.client(config.calendly)
            let account = try await app.calendly.account(config).get()
            _ = try await CalendlySubscriber(client: client, db: app.db, writer: app.databaseWriter, sandbox: true)
                .subscribe(url: config.webhookURL, scope: account.scope, replace: true)
            await app.calendly.accountCache.invalidate()
        } catch {
            app.logger.warning("Could not subscribe to the Calendly sandbox's webhooks: \(error)")
        }
    }
}

private struct SandboxLifecycle: LifecycleHandler {
    let sandbox: SandboxServer

    func shutdownAsync(_ application: Application) async {
        try? await sandbox.shutdown()
    }
}
