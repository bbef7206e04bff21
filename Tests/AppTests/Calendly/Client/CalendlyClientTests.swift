@testable import App
import CalendlySandbox
import Foundation
import NIOHTTP1
import Testing
import VaporTesting

/// The client over real HTTP against the sandbox, and over scripted answers where Calendly's rare
/// behaviours (401, 403, odd dates) must be pinned exactly.
@Suite("Calendly client")
struct CalendlyClientTests {
    static func withSandbox(_ options: SandboxOptions = SandboxOptions(), _ body: (SandboxServer) async throws -> Void) async throws {
        var options = options
        options.host = "127.0.0.1"
        options.port = 0
        let sandbox = try await SandboxServer.start(options: options, logger: Logger(label: "sandbox-test"))
        do { try await body(sandbox) } catch {
            try? await sandbox.shutdown()
            throw error
        }
        try await sandbox.shutdown()
    }

    static func client(_ sandbox: SandboxServer, _ transport: any CalendlyTransport, sleeps: SleepRecorder = SleepRecorder()) -> CalendlyClient {
        var client = CalendlyClient(baseURL: URL(string: sandbox.baseURL)!, token: sandbox.apiToken, transport: transport)
        client.sleep = sleeps.sleep
        return client
    }

    static func stubClient(_ answer: @escaping RecordingTransport.Answer, sleeps: SleepRecorder = SleepRecorder()) -> (CalendlyClient, RecordingTransport) {
        let transport = RecordingTransport(answer: answer)
        var client = CalendlyClient(baseURL: URL(string: "http://127.0.0.1:9/api")!, token: "t", transport: transport)
        client.sleep = sleeps.sleep
        return (client, transport)
    }

    @Test func listsFollowNextPageToTheEnd() async throws {
        try await Self.withSandbox { sandbox in
            // given a client asking for three items a page
            let transport = RecordingTransport.live()
            var paged = Self.client(sandbox, transport)
            paged.pageSize = 3
            let account = try await CalendlyAccount.load(client: paged, configuredOrganization: nil, webhookURL: "http://x/")
            let window = CalendlySync.window()
            let before = transport.requests.count
            // when
            let events = try await paged.scheduledEvents(account.scope, from: window.from, to: window.to)
            // then it has every event a single large page has, each once, over ceil(n/3) requests
            let whole = try await Self.client(sandbox, RecordingTransport.live()).scheduledEvents(account.scope, from: window.from, to: window.to)
            #expect(whole.count > 6)
            #expect(events.map(\.uri) == whole.map(\.uri))
            #expect(Set(events.map(\.uri)).count == events.count)
            #expect(transport.requests.count - before == (whole.count + 2) / 3)
            #expect(transport.requests.last?.url.contains("page_token=") == true)
            #expect(transport.requests.last?.url.contains("min_start_time=") == true, "filters kept on every page")
        }
    }

    @Test func decodesLenientlyWithAndWithoutFractionalSeconds() async throws {
        // given answers with unknown fields, nulls and dates in three precisions
        let (client, _) = Self.stubClient { request in
            if request.url.hasSuffix("/invitees/I1") {
                return .json(200, #"{"resource":{"uri":"https://api.calendly.com/scheduled_events/E1/invitees/I1","brand_new_field":{"x":[1]},"email":null,"created_at":"2031-11-24T14:00:02Z","updated_at":"2031-11-24T14:00:02.5Z","no_show":null}}"#)
            }
            return .json(200, #"{"resource":{"uri":"https://api.calendly.com/scheduled_events/E1","start_time":"2031-11-28T09:00:00.000000Z","end_time":"2031-11-28T09:30:00Z","meeting_notes_html":"<p>x</p>","location":{"type":"zoom","unknown":true}}}"#)
        }
        // when
        let invitee = try await client.invitee("https://api.calendly.com/scheduled_events/E1/invitees/I1")
        let event = try await client.scheduledEvent("https://api.calendly.com/scheduled_events/E1")
        // then
        #expect(invitee.email == nil)
        #expect(invitee.createdAt.map(ISO8601.format) == "2031-11-24T14:00:02Z")
        #expect(invitee.updatedAt?.timeIntervalSince1970 == (invitee.createdAt?.timeIntervalSince1970 ?? 0) + 0.5)
        #expect(event.endTime.timeIntervalSince(event.startTime) == 1800)
        #expect(event.location?.type == "zoom")
    }

    @Test(arguments: [
        (401, #"{"title":"Unauthenticated","message":"The access token is invalid"}"#, CalendlyError.unauthorized, "new personal access token"),
        (403, #"{"title":"Permission Denied","message":"Please upgrade your Calendly account to Professional"}"#,
         CalendlyError.planLimit("Please upgrade your Calendly account to Professional"), "Upgrade the Calendly plan"),
        (403, #"{"title":"Permission Denied","message":"Please upgrade to a paid Calendly account."}"#,
         CalendlyError.planLimit("Please upgrade to a paid Calendly account."), "Upgrade the Calendly plan"),
        (403, #"{"title":"Permission Denied","message":"You do not have permission to access this resource."}"#,
         CalendlyError.missingScope(.usersRead), "scopes ticked: users:read, event_types:read"),
        (404, #"{"title":"Resource Not Found","message":"The server could not find the requested resource."}"#,
         CalendlyError.notFound("such resource (Resource Not Found: The server could not find the requested resource.)"), "CALENDLY_ORGANIZATION_URI"),
        (500, #"{"title":"Internal Server Error"}"#, CalendlyError.server(status: 500), "temporary"),
        (502, "<html>Bad Gateway</html>", CalendlyError.server(status: 502), "temporary"),
    ])
    func statusesBecomeTypedErrorsWithAFix(_ status: Int, body: String, expected: CalendlyError, hint: String) async throws {
        let (client, _) = Self.stubClient { _ in .json(status, body) }
        do {
            _ = try await client.currentUser()
            Issue.record("no error for \(status)")
        } catch let error as CalendlyError {
            #expect(error == expected)
            #expect(error.hint.contains(hint), "\(error.hint)")
            #expect(!error.message.isEmpty)
        }
    }

    @Test(arguments: [
        (HTTPMethod.GET, "/users/me", CalendlyAPIScope.usersRead), (.GET, "/event_types", .eventTypesRead),
        (.GET, "/scheduled_events/ABC/invitees", .scheduledEventsRead), (.POST, "/invitees", .scheduledEventsWrite),
        (.POST, "/invitee_no_shows", .scheduledEventsWrite), (.DELETE, "/webhook_subscriptions/X", .webhooksWrite),
        (.GET, "/event_type_available_times", .availabilityRead), (.POST, "/scheduling_links", .schedulingLinksWrite),
    ])
    func eachCallKnowsItsScope(method: HTTPMethod, path: String, scope: CalendlyAPIScope) {
        #expect(CalendlyAPIScope.required(method: method, path: path) == scope)
    }

    @Test func noHintSaysWebhooksNeedAPaidPlan() {
        let errors: [CalendlyError] = [.forbidden("x"), .planLimit("x"), .missingScope(.webhooksWrite), .notConfigured, .conflict("x")]
        for error in errors {
            #expect(!(error.message + error.hint).contains("paid"), "\(error)")
        }
    }

    @Test(arguments: ["", "<html>maintenance</html>", #"{"resource": {"uri": "#, #"{"resource": {"name": "no uri"}}"#])
    func malformedAnswersAreMalformed(_ body: String) async throws {
        let (client, _) = Self.stubClient { _ in .json(200, body) }
        await #expect(throws: CalendlyError.self) { _ = try await client.currentUser() }
        do { _ = try await client.currentUser() } catch let error as CalendlyError {
            guard case .malformed = error else { Issue.record("\(error)"); return }
            #expect(error.isTransient)
        }
    }

    @Test func rateLimitWaitsForTheResetThenRetries() async throws {
        // given a 429 with a 7-second reset, then an answer
        let sleeps = SleepRecorder()
        let (client, transport) = Self.stubClient({ _ in nil }, sleeps: sleeps)
        transport.answer { _ in
            transport.requests.count == 1
                ? .json(429, #"{"title":"Too Many Requests"}"#, headers: [("X-RateLimit-Reset", "7"), ("X-RateLimit-Remaining", "0")])
                : .json(200, #"{"resource":{"uri":"https://api.calendly.com/users/U"}}"#)
        }
        // when
        let user = try await client.currentUser()
        // then
        #expect(user.uri == "https://api.calendly.com/users/U")
        #expect(sleeps.waits == [7])
        #expect(transport.requests.count == 2)
    }

    @Test func rateLimitLongerThanTheLongestWaitFailsAtOnce() async throws {
        let sleeps = SleepRecorder()
        let (client, transport) = Self.stubClient({ _ in .json(429, "{}", headers: [("X-RateLimit-Reset", "120")]) }, sleeps: sleeps)
        await #expect(throws: CalendlyError.rateLimited(resetAfter: 120)) { _ = try await client.currentUser() }
        #expect(sleeps.waits.isEmpty)
        #expect(transport.requests.count == 1)
    }

    @Test func sandboxThatKeepsThrottlingGivesUpAfterThreeWaits() async throws {
        try await Self.withSandbox(SandboxOptions(misbehaviour: Misbehaviour(rateLimitRate: 1))) { sandbox in
            let sleeps = SleepRecorder()
            let transport = RecordingTransport.live()
            let client = Self.client(sandbox, transport, sleeps: sleeps)
            do {
                _ = try await client.currentUser()
                Issue.record("no error")
            } catch let error as CalendlyError {
                guard case .rateLimited(let reset) = error else { Issue.record("\(error)"); return }
                #expect((1...60).contains(reset))
            }
            #expect(sleeps.waits.count == 3)
            #expect(sleeps.waits.allSatisfy { (1...60).contains($0) }, "waits follow X-RateLimit-Reset: \(sleeps.waits)")
            #expect(transport.requests.count == 4)
        }
    }

    @Test func slowAnswersTimeOutAndClosedPortsAreUnreachable() async throws {
        try await Self.withSandbox(SandboxOptions(misbehaviour: Misbehaviour(slowRate: 1, slowDelay: 2))) { sandbox in
            let client = Self.client(sandbox, RecordingTransport.live(timeout: .milliseconds(200)))
            await #expect(throws: CalendlyError.timedOut) { _ = try await client.currentUser() }
        }
        let closed = CalendlyClient(baseURL: URL(string: "http://127.0.0.1:1")!, token: "t", transport: RecordingTransport.live())
        do {
            _ = try await closed.currentUser()
            Issue.record("no error")
        } catch let error as CalendlyError {
            guard case .unreachable = error else { Issue.record("\(error)"); return }
            #expect(error.hint.contains("CALENDLY_API_BASE_URL"))
        }
    }

    @Test func tokenOfAnOwnerUsesTheOrganizationAndAMemberOnlyTheirOwn() async throws {
        try await Self.withSandbox { sandbox in
            // given the sandbox's owner token
            let owner = try await CalendlyAccount.load(client: Self.client(sandbox, RecordingTransport.live()), configuredOrganization: nil, webhookURL: "http://x/")
            #expect(owner.role == "owner")
            #expect(owner.scope == .organization(owner.organizationURI))
            // when Calendly says the token's owner is a plain member
            let transport = RecordingTransport(LiveCalendlyTransport(client: .shared))
            transport.answer { request in
                guard request.url.contains("/organization_memberships") else { return nil }
                return .json(200, #"{"collection":[{"uri":"m","role":"user","organization":"o"}],"pagination":{"next_page":null}}"#)
            }
            let member = try await CalendlyAccount.load(client: Self.client(sandbox, transport), configuredOrganization: nil, webhookURL: "http://x/")
            // then the account and every list call are user-scoped
            #expect(member.scope == .user(member.user.uri, organization: member.organizationURI))
            let subscriptions = try #require(transport.requests.first { $0.url.contains("/webhook_subscriptions") })
            #expect(subscriptions.url.contains("scope=user"))
            _ = try await Self.client(sandbox, transport).scheduledEvents(member.scope, from: Date(), to: Date().addingTimeInterval(86_400))
            let listed = try #require(transport.requests.last)
            #expect(listed.url.contains("user=") && !listed.url.contains("organization="))
        }
    }
}
