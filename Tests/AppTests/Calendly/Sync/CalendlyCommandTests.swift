@testable import App
import ConsoleKit
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import VaporTesting

/// The plain functions behind `crm calendly doctor|subscribe|sync` and `crm webhooks replay`, and
/// the doctor command end to end through the app's command group.
@Suite("Calendly commands")
struct CalendlyCommandTests {
    typealias P = CalendlyPayloads

    static func doctor(_ app: Application) async throws -> [CalendlyDoctor.Check] {
        let connection = try await CalendlyConnectionStore(db: app.db, sandbox: false).load()
        return CalendlyDoctor(config: app.appConfig, account: await app.calendly.account(app.appConfig, fresh: true),
                              connection: connection, lastDeliveryAt: nil).checks()
    }

    @Test func doctorPassesWhenSubscribedAndSaysWhatToDoWhenNot() async throws {
        try await withSandboxedApp { s in
            let checks = try await Self.doctor(s.app)
            #expect(checks.allSatisfy { $0.passed }, "\(checks.filter { !$0.passed })")
            #expect(checks.map(\.name).contains("Webhook subscription"))
        }
        try await withSandboxedApp(subscribe: false) { s in
            let failed = try await Self.doctor(s.app).filter { !$0.passed }
            #expect(Set(failed.map(\.name)) == ["Webhook subscription", "Webhook signing key"])
            #expect(failed.allSatisfy { $0.hint?.contains("crm calendly subscribe") == true })
        }
        try await withTestApp { t in
            let checks = try await Self.doctor(t.app)
            #expect(checks.map(\.passed) == [false])
            #expect(checks.first?.hint?.contains("CALENDLY_API_KEY") == true)
        }
    }

    @Test func subscribeRefusesAForeignSubscriptionUnlessToldToReplaceIt() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            // given a subscription for the app's URL made elsewhere, with a key the app does not know
            let account = try await s.app.calendly.account(s.app.appConfig).get()
            let client = try s.app.calendly.client(s.app.appConfig.calendly)
            let foreign = try await client.createWebhookSubscription(url: s.app.appConfig.webhookURL, events: ["invitee.created"],
                                                                     scope: account.scope, signingKey: "someone-elses-key")
            let subscriber = CalendlySubscriber(client: client, db: s.app.db, writer: s.app.databaseWriter, sandbox: false)
            // when / then
            await #expect(throws: CalendlySubscriber.ForeignSubscription.self) {
                _ = try await subscriber.subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: false)
            }
            #expect(try await CalendlyConnectionStore(db: s.app.db, sandbox: false).load()?.signingKey == nil)
            // when replacing
            guard case .created(let created) = try await subscriber.subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: true) else {
                Issue.record("not created"); return
            }
            // then the old one is gone, the new key is stored, and deliveries signed with it are accepted
            #expect(created.uri != foreign.uri)
            let subscriptions = try await client.webhookSubscriptions(account.scope)
            #expect(subscriptions.map(\.uri) == [created.uri])
            let key = try #require(try await CalendlyConnectionStore(db: s.app.db, sandbox: false).load()?.signingKey)
            #expect(key.count >= 32 && key != "someone-elses-key")
            let uri = try await s.book()
            await s.flushWebhooks()
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).count() == 1)
            // and subscribing again keeps what is there
            #expect(try await subscriber.subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: false) == .alreadyActive(created))
        }
    }

    @Test func syncReportsProgressAndCounts() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            let account = try await s.app.calendly.account(s.app.appConfig).get()
            let window = CalendlySync.window()
            let lines = NIOLockedValueBox<[String]>([])
            let counts = try await s.app.calendlySync().reconcile(scope: account.scope, from: window.from, to: window.to) { line in
                lines.withLockedValue { $0.append(line) }
            }
            let progress = lines.withLockedValue { $0 }
            #expect(counts.created > 0 && counts.failed == 0)
            #expect(progress.first?.hasPrefix("listed ") == true)
            #expect(progress.last?.contains("\(counts.created) created") == true, "\(progress)")
            #expect(try await Consultation.query(on: s.app.db).count() == counts.created)
        }
    }

    @Test func replayAppliesPendingAndFailedDeliveriesAgain() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            // given a delivery stored but never processed (the app stopped), and one that cannot be applied
            let booking = P.Booking()
            let inbox = t.app.webhookInbox
            try await inbox.store(body: try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking)))
            try await inbox.process(try await inbox.store(body: Data("not json".utf8)))
            // when
            let summary = try await WebhookReplay(inbox: inbox, db: t.app.db).replay(all: false)
            // then
            #expect(summary.counts == [.processed: 1, .failed: 1])
            #expect(try await Consultation.query(on: t.app.db).filter(\.$calendlyInviteeURI == booking.inviteeURI).count() == 1)
            // a second replay of everything changes nothing
            let again = try await WebhookReplay(inbox: inbox, db: t.app.db).replay(all: true)
            #expect(again.counts[.processed] == 1)
            #expect(try await Consultation.query(on: t.app.db).count() == 1)
        }
    }

    @Test func doctorCommandExitsNonZeroWhenACheckFails() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            // when
            let console = CapturingConsole()
            await #expect(throws: CommandFailure.self) { try await console.crm(s.app, "calendly", "doctor") }
            // then each check is shown with what to do
            #expect(console.text.contains("✔ Token"))
            #expect(console.text.contains("✘ Webhook subscription"))
            #expect(console.text.contains("→ Run `crm calendly subscribe`"))
            // when subscribed, then it passes
            try await console.crm(s.app, "calendly", "subscribe")
            #expect(console.text.contains("Subscribed "))
            do {
                try await console.crm(s.app, "calendly", "doctor")
            } catch {
                Issue.record("\(error)\n\(console.text)")
            }
            #expect(console.text.contains("All checks passed."))
        }
    }
}

/// A console that keeps what commands print.
final class CapturingConsole: Console, @unchecked Sendable {
    private let lines = NIOLockedValueBox<[String]>([])
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (120, 40) }
    var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }

    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { lines.withLockedValue { $0.append(text.description) } }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { lines.withLockedValue { $0.append(error) } }

    /// Runs `crm <arguments>` through the app's command group, as the executable does.
    func crm(_ app: Application, _ arguments: String...) async throws {
        var context = CommandContext(console: self, input: CommandInput(arguments: ["crm"] + arguments))
        context.application = app
        try await run(app.asyncCommands.group(), with: context)
    }
}
