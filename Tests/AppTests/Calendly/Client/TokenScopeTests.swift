@testable import App
@testable import CalendlySandbox
import Foundation
import Testing
import VaporTesting

/// A token made since March 2026 has only the scopes ticked when it was made: each missing scope is
/// named with what it blocks, found from which call the sandbox refused over real HTTP; a plan limit
/// is named as one; no text says webhooks need a paid plan.
@Suite("Calendly token scopes")
struct TokenScopeTests {
    @Test func eachMissingScopeIsNamedWithWhatItBlocks() async throws {
        let scopes = ["users:read", "scheduled_events:read"]
        try await withSandboxedApp(sandboxOptions: SandboxOptions(tokenScopes: scopes), subscribe: false) { s in
            let (json, codes) = try await CalendlyConfigTests.config(s.t)
            #expect(json["configured"] as? Bool == true, "the account itself can be read")
            let problems = try #require(json["problems"] as? [[String: Any]])
            let scopeProblems = problems.filter { $0["code"] as? String == "calendly_missing_scope" }.compactMap { $0["message"] as? String }
            #expect(scopeProblems.count == 2, "\(codes)")
            #expect(scopeProblems.contains { $0.contains("event_types:read") && $0.contains("choosing a meeting type") })
            #expect(scopeProblems.contains { $0.contains("webhooks:write") && $0.contains("receiving bookings") })
            #expect(!codes.contains("calendly_no_event_types"), "an empty list because of a scope is not reported as no event types")
            let text = problems.map { "\($0["message"] ?? "") \($0["hint"] ?? "")" }.joined()
            #expect(text.contains("scopes ticked: users:read, event_types:read"))
            #expect(!text.contains("paid"))
            // and the doctor says the same
            let account = await s.app.calendly.account(s.app.appConfig)
            let checks = CalendlyDoctor(config: s.app.appConfig, account: account, connection: nil, lastDeliveryAt: nil).checks()
            let scopeCheck = try #require(checks.first { $0.name == "Token scopes" })
            #expect(!scopeCheck.passed)
            #expect(scopeCheck.detail.contains("missing event_types:read"))
        }
    }

    /// Each scope the app's look-ups use, taken away alone: the problem names it and what it blocks.
    @Test(arguments: ["users:read", "event_types:read", "scheduled_events:read", "webhooks:write"])
    func aTokenWithoutOneScopeIsToldWhichAndWhy(missing: String) async throws {
        // A `:write` scope includes its `:read`, so both go.
        let write = missing.replacingOccurrences(of: ":read", with: ":write")
        let scopes = TokenScopes.all.filter { $0 != missing && $0 != write }
        try await withSandboxedApp(sandboxOptions: SandboxOptions(tokenScopes: scopes), subscribe: false) { s in
            let (_, codes) = try await CalendlyConfigTests.config(s.t)
            #expect(codes.filter { $0 == "calendly_missing_scope" }.count == 1, "\(codes)")
            let problems = try #require(try await CalendlyConfigTests.config(s.t).json["problems"] as? [[String: Any]])
            let message = try #require(problems.first { $0["code"] as? String == "calendly_missing_scope" }?["message"] as? String)
            let scope = try #require(CalendlyAPIScope(rawValue: missing))
            #expect(message.contains(missing) && message.contains(scope.blocks))
        }
    }

    @Test func aTokenWithEveryScopeHasNoScopeProblem() async throws {
        try await withSandboxedApp(sandboxOptions: SandboxOptions(tokenScopes: TokenScopes.all)) { s in
            let (_, codes) = try await CalendlyConfigTests.config(s.t)
            #expect(!codes.contains("calendly_missing_scope"))
        }
    }

    @Test func theSandboxIssuesTokensWithChosenScopes() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            let issued = try await s.sandboxCall(.POST, "/_sandbox/tokens", json: #"{"scopes": ["users:read"]}"#)
            #expect(issued.status == 201)
            let token = try #require(issued.body["token"] as? String)
            let client = CalendlyClient(baseURL: URL(string: s.sandboxBase)!, token: token,
                                        transport: LiveCalendlyTransport(client: .shared))
            _ = try await client.currentUser()
            await #expect(throws: CalendlyError.missingScope(.eventTypesRead)) {
                _ = try await client.get("/event_types", query: [("user", "x")], as: CalendlyPage<CalendlyEventType>.self)
            }
            let unknown = try await s.sandboxCall(.POST, "/_sandbox/tokens", json: #"{"scopes": ["everything"]}"#)
            #expect(unknown.status == 400)
        }
    }

    @Test func aPlanThatRefusesWebhooksIsReportedAsAPlanLimit() async throws {
        try await withSandboxedApp(sandboxOptions: SandboxOptions(freePlan: true), subscribe: false) { s in
            let (json, codes) = try await CalendlyConfigTests.config(s.t)
            #expect(codes.contains("webhook_subscription_missing"), "listing works; creating is what the plan refuses")
            let account = try await s.app.calendly.account(s.app.appConfig).get()
            let subscriber = CalendlySubscriber(client: try s.app.calendly.client(s.app.appConfig.calendly), db: s.app.db,
                                                writer: s.app.databaseWriter, sandbox: false)
            await #expect(throws: CalendlyError.planLimit("Please upgrade to a paid Calendly account.")) {
                _ = try await subscriber.subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: false)
            }
            _ = json
        }
    }
}
