import Fluent
import Vapor

/// `crm calendly doctor | subscribe | sync`.
struct CalendlyCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] {
        ["doctor": CalendlyDoctorCommand(), "subscribe": CalendlySubscribeCommand(), "sync": CalendlySyncCommand()]
    }
    var help: String { "Checks, subscribes to and syncs with Calendly." }
}

struct CalendlyDoctorCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Checks the Calendly connection; exits non-zero when a check fails." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await app.loadCalendlyTokenFromSettings()
        let config = app.appConfig
        let connection = try await CalendlyConnectionStore(db: app.db, sandbox: config.sandboxMode).load()
        let last = try await WebhookDelivery.query(on: app.db).max(\.$receivedAt)
        // A doctor reports Calendly as it is now, never a cached look-up.
        let checks = CalendlyDoctor(config: config, account: await app.calendly.account(config, fresh: true), connection: connection, lastDeliveryAt: last).checks()
        for check in checks {
            context.console.output("\(check.passed ? "✔" : "✘") \(check.name): \(check.detail)".consoleText(check.passed ? .success : .error))
            if let hint = check.hint { context.console.output("    → \(hint)") }
        }
        let failed = checks.filter { !$0.passed }.count
        guard failed == 0 else { throw CommandFailure("\(failed) check\(failed == 1 ? "" : "s") failed") }
        context.console.output("All checks passed.".consoleText(.success))
    }
}

struct CalendlySubscribeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "url", help: "Callback URL (default: PUBLIC_BASE_URL + /api/calendar/webhook/calendly).")
        var url: String?
        @Flag(name: "replace", help: "Replace an existing subscription for the URL whose signing key this app does not know.")
        var replace: Bool
    }
    var help: String { "Creates the webhook subscription with a fresh signing key that the app stores." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await app.loadCalendlyTokenFromSettings()
        let url = signature.url ?? app.appConfig.webhookURL
        guard SafeLink.http(url) != nil else { throw CommandFailure("--url must be an http(s) URL") }
        do {
            let account = try await app.calendly.account(app.appConfig).get()
            var subscriber = CalendlySubscriber(client: try app.calendly.client(app.appConfig.calendly), db: app.db,
                                                writer: app.databaseWriter, sandbox: app.appConfig.sandboxMode)
            subscriber.configuredSecret = app.appConfig.calendly.webhookSecret
            let outcome = try await subscriber.subscribe(url: url, scope: account.scope, replace: signature.replace)
            // The cached account still describes the old subscription.
            await app.calendly.accountCache.invalidate()
            switch outcome {
            case .created(let subscription):
                context.console.output("Subscribed \(url) (\(subscription.uri)); the signing key is stored.".consoleText(.success))
            case .alreadyActive(let subscription):
                context.console.output("Already subscribed: \(subscription.uri) is \(subscription.state ?? "active").".consoleText(.success))
            }
        } catch let error as CalendlyError {
            throw CommandFailure("\(error.message) \(error.hint)")
        } catch let error as CalendlySubscriber.ForeignSubscription {
            throw CommandFailure(error.description)
        }
    }
}

struct CalendlySyncCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "from", help: "Start of the window, ISO 8601 (default: 30 days ago).")
        var from: String?
        @Option(name: "to", help: "End of the window, ISO 8601 (default: 180 days ahead).")
        var to: String?
    }
    var help: String { "Reconciles consultations with Calendly's scheduled events in a window." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await app.loadCalendlyTokenFromSettings()
        let window = CalendlySync.window()
        guard let from = signature.from.map(ISO8601.parse) ?? window.from else { throw CommandFailure("--from is not an ISO 8601 date-time") }
        guard let to = signature.to.map(ISO8601.parse) ?? window.to, to > from else { throw CommandFailure("--to is not an ISO 8601 date-time after --from") }
        do {
            let console = context.console
            let counts = try await app.reconcileWithCalendly(from: from, to: to) { line in console.output(line.consoleText()) }
            context.console.output("Synced: \(counts.summary)".consoleText(.success))
            if counts.failed > 0 { throw CommandFailure("\(counts.failed) invitees could not be applied") }
        } catch let error as CalendlyError {
            throw CommandFailure("\(error.message) \(error.hint)")
        }
    }
}
