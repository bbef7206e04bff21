@testable import App
import CalendlySandbox
import Foundation
import Testing
import VaporTesting

/// `GET /api/calendar/config/calendly`: always 200, every fault a problem with a fix, cached briefly.
@Suite("Calendly config endpoint")
struct CalendlyConfigTests {
    static func config(_ t: TestApp) async throws -> (json: [String: Any], codes: [String]) {
        let response = try await t.app.testing().sendRequest(.GET, "/api/calendar/config/calendly", headers: t.bearer)
        #expect(response.status == .ok)
        let json = try response.json()
        let problems = try #require(json["problems"] as? [[String: Any]])
        for problem in problems {
            #expect((problem["message"] as? String)?.isEmpty == false)
            #expect((problem["hint"] as? String)?.isEmpty == false, "every problem says what to do: \(problem)")
        }
        return (json, problems.compactMap { $0["code"] as? String })
    }

    @Test func notConfiguredIsAProblemNotAnError() async throws {
        try await withTestApp { t in
            let (json, codes) = try await Self.config(t)
            #expect(json["configured"] as? Bool == false)
            #expect(json["mode"] as? String == "live")
            #expect(codes == ["calendly_not_configured"])
        }
    }

    @Test func invalidKeyIsNamedWithWhatToDo() async throws {
        try await withSandboxedApp(subscribe: false, settings: { $0.apiKey = "revoked-token" }) { s in
            let (json, codes) = try await Self.config(s.t)
            #expect(json["configured"] as? Bool == false)
            #expect(codes.contains("calendly_token_invalid"))
            let problem = try #require((json["problems"] as? [[String: Any]])?.first { $0["code"] as? String == "calendly_token_invalid" })
            #expect((problem["hint"] as? String)?.contains("new personal access token") == true)
        }
    }

    @Test func noSubscriptionAndNoSigningKeyAreBothProblems() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            let (json, codes) = try await Self.config(s.t)
            #expect(json["configured"] as? Bool == true)
            #expect(Set(codes) == ["webhook_subscription_missing", "webhook_secret_missing"])
            let webhook = try #require(json["webhook"] as? [String: Any])
            #expect(webhook["signing_key_configured"] as? Bool == false)
            #expect(webhook["subscription_state"] as? String == "none")
        }
    }

    @Test func webhooksRefusedByCalendlyAreMissingPermissions() async throws {
        try await withSandboxedApp { s in
            // given Calendly refuses the subscription list (a plan or role without webhooks)
            s.app.useCalendly(RecordingTransport.live { request in
                request.url.contains("/webhook_subscriptions")
                    ? .json(403, #"{"title":"Permission Denied","message":"Please upgrade your Calendly account to Professional"}"#) : nil
            })
            let (json, codes) = try await Self.config(s.t)
            #expect(json["configured"] as? Bool == true)
            #expect(codes == ["webhooks_unavailable"])
        }
    }

    @Test func organizationThatIsNotTheTokenOwnersIsAProblem() async throws {
        try await withSandboxedApp(subscribe: false, settings: { $0.webhookSecret = "known" }) { s in
            s.app.environmentConfig.calendly.organizationURI = s.sandboxBase + "/organizations/0000-not-mine"
            let (_, codes) = try await Self.config(s.t)
            #expect(codes.contains("calendly_organization_mismatch"), "\(codes)")
        }
    }

    enum Fault: String, CaseIterable, Sendable {
        case rateLimited, serverError, garbage, timeOut, unreachable
    }

    @Test(arguments: Fault.allCases)
    func calendlyFaultsAreProblemsNever500(_ fault: Fault) async throws {
        try await withSandboxedApp { s in
            // given Calendly misbehaving after the app subscribed
            let sleeps = SleepRecorder()
            s.app.useCalendly(RecordingTransport.live(timeout: .milliseconds(fault == .timeOut ? 200 : 15_000)), sleeps: sleeps)
            let expected: String
            switch fault {
            case .rateLimited: expected = "calendly_rate_limited"; await s.sandbox.setMisbehaviour(Misbehaviour(rateLimitRate: 1))
            case .serverError: expected = "calendly_server_error"; await s.sandbox.setMisbehaviour(Misbehaviour(serverErrorRate: 1))
            case .garbage: expected = "calendly_malformed_answer"; await s.sandbox.setMisbehaviour(Misbehaviour(malformedJSONRate: 1))
            case .timeOut: expected = "calendly_timeout"; await s.sandbox.setMisbehaviour(Misbehaviour(slowRate: 1, slowDelay: 2))
            case .unreachable: expected = "calendly_unreachable"; s.app.environmentConfig.calendly.apiBaseURL = URL(string: "http://127.0.0.1:1")!
            }
            // when
            let (json, codes) = try await Self.config(s.t)
            // then
            #expect(json["configured"] as? Bool == false)
            #expect(codes.contains(expected), "\(codes)")
            #expect(try await Consultation.query(on: s.app.db).count() == 0)
            // A page load never waits long for a rate limit to reset: it shows the problem instead.
            if fault == .rateLimited { #expect(sleeps.waits.allSatisfy { $0 <= 5 }, "\(sleeps.waits)") }
        }
    }

    @Test func answersAreCachedSoPageLoadsSpendNoRateLimit() async throws {
        try await withSandboxedApp { s in
            // given
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            // when the config is asked for twice
            let first = try await Self.config(s.t)
            let callsAfterFirst = transport.requests.count
            let second = try await Self.config(s.t)
            // then only the first asked Calendly
            #expect(callsAfterFirst >= 3)
            #expect(transport.requests.count == callsAfterFirst)
            #expect(first.codes == second.codes)
            #expect((second.json["user"] as? [String: Any])?["email"] as? String == (first.json["user"] as? [String: Any])?["email"] as? String)
        }
    }

    @Test func failuresAreCachedTooAndRecoveryShowsOnceTheCacheIsRenewed() async throws {
        try await withSandboxedApp { s in
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            await s.sandbox.setMisbehaviour(Misbehaviour(serverErrorRate: 1))
            #expect(try await Self.config(s.t).codes.contains("calendly_server_error"))
            let calls = transport.requests.count
            #expect(try await Self.config(s.t).codes.contains("calendly_server_error"))
            #expect(transport.requests.count == calls, "a failing Calendly is not asked again on every page load")
            // when Calendly recovers and the cache is renewed
            await s.sandbox.setMisbehaviour(Misbehaviour())
            await s.app.calendly.accountCache.invalidate()
            let (json, codes) = try await Self.config(s.t)
            #expect(json["configured"] as? Bool == true)
            #expect(codes.isEmpty)
        }
    }
}
