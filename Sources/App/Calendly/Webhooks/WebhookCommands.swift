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

/// Re-applies stored deliveries through the same inbox that received them.
struct WebhookReplay {
    let inbox: WebhookInbox
    let db: any Database

    struct Summary: CustomStringConvertible, Equatable {
        var counts: [WebhookDeliveryState: Int] = [:]
        var failed: Int { counts[.failed] ?? 0 }
        var description: String {
            "Replayed: " + WebhookDeliveryState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        }
    }

    func replay(all: Bool, ids: [UUID]? = nil, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        let query = WebhookDelivery.query(on: db).sort(\.$receivedAt)
        if let ids { query.filter(\.$id ~~ ids) } else if !all { query.filter(\.$state ~~ [.failed, .pending]) }
        let deliveries = try await query.all()
        var summary = Summary()
        for (index, delivery) in deliveries.enumerated() {
            // A replay re-applies: drop the old verdict so the duplicate check does not count this one.
            delivery.state = .pending
            let state = try await inbox.process(delivery)
            summary.counts[state, default: 0] += 1
            progress(index + 1, deliveries.count)
        }
        return summary
    }
}
