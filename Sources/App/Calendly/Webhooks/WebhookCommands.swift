import Fluent
import Vapor

/// `crm webhooks replay [--failed | --all]`.
struct WebhookCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["replay": ReplayWebhooksCommand()] }
    var help: String { "Works with stored webhook deliveries." }
}

struct ReplayWebhooksCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "failed", help: "Re-apply failed and pending deliveries (the default).")
        var failed: Bool
        @Flag(name: "all", help: "Re-apply every stored delivery, oldest first.")
        var all: Bool
    }
    var help: String { "Re-applies stored webhook deliveries." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await app.loadCalendlyTokenFromSettings()
        let summary = try await WebhookReplay(inbox: app.webhookInbox, db: app.db).replay(all: signature.all) { done, total in
            if done % 100 == 0 || done == total { context.console.output("replayed \(done)/\(total)".consoleText()) }
        }
        context.console.output(summary.description.consoleText(summary.failed == 0 ? .success : .warning))
        if summary.failed > 0 { throw CommandFailure("\(summary.failed) deliveries still fail; see the Settings page for their errors") }
    }
}
