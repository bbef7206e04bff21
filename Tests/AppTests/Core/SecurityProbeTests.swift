@testable import App
import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import VaporTesting

/// What a security probe of the running app found, each as the attempt it made.
@Suite("Security probe findings")
struct SecurityProbeTests {
    // MARK: - Header injection through sign-in's `next`

    @Test(arguments: ["/x\r\nSet-Cookie: crm_session=ATTACKER; Path=/\r\n\r\n", "/x\nSet-Cookie: a=b", "/\t/evil.example",
                      "/x\u{0}y", "/x\u{7F}y", "//evil.example", "/\\evil.example", "https://evil.example"])
    func nextWithControlCharactersOrAnotherSiteFallsBackToTheCalendar(next: String) async throws {
        #expect(AuthPagesController.safeNext(next) == "/calendar")
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.get("/sign-in")
            let response = try await browser.post("/sign-in", form: ["email": Fixtures.ownerEmail, "password": Fixtures.ownerPassword, "next": next])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/calendar")
            #expect(!response.headers[.setCookie].contains { $0.contains("ATTACKER") })
        }
    }

    @Test func aSameSitePathIsStillFollowed() {
        #expect(AuthPagesController.safeNext("/students?q=a%20b") == "/students?q=a%20b")
    }

    @Test func headerValuesWithControlCharactersAreNeverWritten() async throws {
        try await withTestApp { t in
            t.app.get("leaky") { _ in
                Response(status: .seeOther, headers: ["Location": "/x\r\nSet-Cookie: a=b", "X-Fine": "fine"])
            }
            let response = try await t.app.testing().sendRequest(.GET, "/leaky")
            #expect(response.headers.first(name: .location) == nil)
            #expect(response.headers.first(name: "X-Fine") == "fine")
        }
    }

    // MARK: - Webhook signature header

    @Test func aSignatureHeaderWithThousandsOfEntriesIsMalformedBeforeAnyHMAC() {
        let entry = "v1=" + String(repeating: "ab", count: 32)
        let header = "t=\(Int(Date().timeIntervalSince1970))," + Array(repeating: entry, count: 12_000).joined(separator: ",")
        #expect(throws: WebhookSignature.Failure.malformed) {
            try WebhookSignature.Header(header, now: Date(), tolerance: 180)
        }
        let five = "t=\(Int(Date().timeIntervalSince1970))," + Array(repeating: entry, count: 5).joined(separator: ",")
        #expect(throws: WebhookSignature.Failure.malformed) {
            try WebhookSignature.Header(five, now: Date(), tolerance: 180)
        }
    }

    @Test func aStaleHeaderIsRefusedWithoutTheBody() {
        let header = "t=\(Int(Date().timeIntervalSince1970) - 3600),v1=" + String(repeating: "ab", count: 32)
        #expect(throws: WebhookSignature.Failure.stale) {
            try WebhookSignature.Header(header, now: Date(), tolerance: 180)
        }
    }

    // MARK: - The sign-in throttle

    @Test func fortySimultaneousAttemptsReserveOnlyTheLimit() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("throttle-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let location = TestApp.postgresURL.map(DatabaseLocation.postgres) ?? .sqliteFile(file)
        try await withTestApp(database: location) { t in
            let throttle = SignInThrottle()
            let writer = t.app.databaseWriter
            let db = t.app.db
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await throttle.reserve("203.0.113.9", writer: writer, on: db) == .allowed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == throttle.limit)
            #expect(try await SignInFailure.query(on: t.app.db).count() == throttle.limit)
            #expect(try await throttle.reserve("198.51.100.1", writer: writer, on: db) == .allowed, "another client is not held back")
        }
    }

    @Test func aCorrectPasswordForgetsTheFailures() async throws {
        try await withTestApp { t in
            let throttle = SignInThrottle()
            for _ in 0..<4 { _ = try await throttle.reserve("a", writer: t.app.databaseWriter, on: t.app.db) }
            try await throttle.succeeded("a", writer: t.app.databaseWriter, on: t.app.db)
            #expect(try await SignInFailure.query(on: t.app.db).count() == 0)
        }
    }

    @Test func failuresOlderThanTheWindowAgeOut() async throws {
        try await withTestApp { t in
            let throttle = SignInThrottle()
            let start = Date()
            for _ in 0..<5 { _ = try await throttle.reserve("a", writer: t.app.databaseWriter, on: t.app.db, now: start) }
            guard case .throttled(let wait) = try await throttle.reserve("a", writer: t.app.databaseWriter, on: t.app.db, now: start.addingTimeInterval(60)) else {
                Issue.record("the sixth attempt is throttled"); return
            }
            #expect((14 * 60 - 1...14 * 60 + 1).contains(wait), "about 14 minutes (the database keeps times to a fraction of a second)")
            #expect(try await throttle.reserve("a", writer: t.app.databaseWriter, on: t.app.db, now: start.addingTimeInterval(15 * 60 + 1)) == .allowed)
        }
    }

    // MARK: - Client address behind a proxy

    @Test func forwardedForIsBelievedOnlyFromATrustedProxy() async throws {
        for (trusted, expected) in [([] as [String], "127.0.0.1"), (["127.0.0.1"], "203.0.113.7"), (["10.0.0.0/8"], "127.0.0.1")] {
            try await withTestApp(adjust: { $0.trustedProxies = trusted.compactMap(IPRange.init) }) { t in
                t.app.get("whoami") { req in ClientAddress.of(req, trusting: req.application.appConfig.trustedProxies) }
                let response = try await t.app.testing(method: .running(port: 0)).sendRequest(
                    .GET, "/whoami", headers: ["X-Forwarded-For": "198.51.100.4, 203.0.113.7"])
                #expect(response.body.string == expected, "trusting \(trusted)")
            }
        }
    }

    @Test func forwardedHopsWithPortsAndIPv6NetworksAreKeyedSensibly() {
        #expect(ClientAddress.withoutPort("203.0.113.7:5678") == "203.0.113.7")
        #expect(ClientAddress.withoutPort("[2001:db8::1]:443") == "2001:db8::1")
        #expect(ClientAddress.withoutPort("2001:db8::1") == "2001:db8::1")
        #expect(ClientAddress.throttleKey("2001:db8:0:1:aaaa::1") == ClientAddress.throttleKey("2001:db8:0:1:bbbb::2"))
        #expect(ClientAddress.throttleKey("2001:db8:0:1::1") != ClientAddress.throttleKey("2001:db8:0:2::1"))
        #expect(ClientAddress.throttleKey("198.51.100.4") == "198.51.100.4")
    }

    @Test func ipRangesMatchAddressesAndNetworks() throws {
        #expect(try #require(IPRange("10.0.0.0/8")).contains("10.200.3.4"))
        #expect(!(try #require(IPRange("10.0.0.0/8")).contains("11.0.0.1")))
        #expect(try #require(IPRange("::1")).contains("::1"))
        #expect(try #require(IPRange("fd00::/8")).contains("fd12:3456::1"))
        #expect(!(try #require(IPRange("192.0.2.1")).contains("192.0.2.2")))
        #expect(IPRange("not an address") == nil)
        #expect(IPRange("10.0.0.0/33") == nil)
        #expect(throws: ConfigurationError.self) { try AppConfig.load(from: ["TRUSTED_PROXIES": "127.0.0.1, proxy.example"]) }
    }

    // MARK: - Length limits

    @Test func aNameOfOneLetterAndManyCombiningMarksIsTooLong() async throws {
        try await withTestApp { t in
            let name = "a" + String(repeating: "\u{0301}", count: 400_000)
            let response = try await t.app.testing(method: .running(port: 0)).sendRequest(
                .POST, "/api/students", headers: t.bearer, body: try jsonBody(["name": name]))
            #expect(response.status == .unprocessableEntity)
            #expect(try response.errorCode().field == "name")
            #expect(try await Student.query(on: t.app.db).count() == 0)
        }
    }

    @Test func limitsCountScalarsAndBoundBytes() throws {
        #expect(try FieldRules.optionalText(String(repeating: "🎓", count: 200), field: "name", maxLength: 200).unicodeScalars.count == 200)
        #expect(throws: AppError.self) { try FieldRules.optionalText(String(repeating: "🎓", count: 201), field: "name", maxLength: 200) }
        #expect(throws: AppError.self) { try FieldRules.optionalText("e" + String(repeating: "\u{0301}", count: 200), field: "name", maxLength: 200) }
        #expect(try FieldRules.optionalText(String(repeating: "x", count: FieldRules.Limit.prose), field: "notes", maxLength: FieldRules.Limit.prose).count == 100_000)
    }

    // MARK: - Logs

    @Test func controlCharactersInLogLinesAreEscaped() {
        #expect(SafeLogHandler.escaped("GET /x\r\n[ CRITICAL ] forged") == "GET /x\\r\\n[ CRITICAL ] forged")
        #expect(SafeLogHandler.escaped("tab\there, nul\u{0}, del\u{7F}") == "tab\\there, nul\\u{0}, del\\u{7f}")
        #expect(SafeLogHandler.escaped("plain — ünïcödé") == "plain — ünïcödé")
    }

    @Test func theSetupLinksTokenIsNotLogged() {
        #expect(RequestLogMiddleware.loggable("/setup/secret-token-value") == "/setup/…")
        #expect(RequestLogMiddleware.loggable("/students/%0Aforged") == "/students/\nforged", "decoded here, escaped by the handler")
    }

    // MARK: - Static files

    @Test(arguments: ["/css/app.css/x", "/css/app.css/..", "/css/app.css/x/y"])
    func pathsThroughAFileAreNotFound(path: String) async throws {
        try await withTestApp { t in
            let response = try await t.app.testing(method: .running(port: 0)).sendRequest(.GET, path)
            #expect(response.status == .notFound)
            #expect(!response.body.string.contains(t.app.directory.workingDirectory))
        }
    }

    // MARK: - Sessions

    @Test func anAnonymousVisitToSignInStoresNoSession() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            for path in ["/sign-in", "/sign-in?next=/students", "/students", "/calendar"] { try await browser.get(path) }
            #expect(try await sessionRows(t.app) == 0)
            #expect(browser.cookies["crm_csrf"] != nil, "the sign-in form's token lives in its own cookie")
        }
    }

    @Test func theCSRFTokenChangesAtSignIn() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.get("/sign-in")
            let before = try #require(browser.csrfToken)
            try await browser.post("/sign-in", form: ["email": Fixtures.ownerEmail, "password": Fixtures.ownerPassword])
            try await browser.get("/students")
            let after = try #require(browser.csrfToken)
            #expect(before != after)
        }
    }

    @Test func aSessionUnusedForLongerThanTheIdleLimitEndsAndIsDeleted() async throws {
        try await withTestApp(adjust: { $0.sessionIdleDays = 2 }) { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            #expect(try await browser.get("/students").status == .ok)
            #expect(try await sessionRows(t.app) == 1)
            // when: last used three days ago
            try await t.app.db.sql().update("_fluent_sessions").set("last_seen_at", to: SQLBind(Date().addingTimeInterval(-3 * 86_400))).run()
            // then
            let response = try await browser.get("/students")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
            #expect(try await sessionRows(t.app) == 0)
        }
    }

    @Test func theSweepDeletesSessionsNobodyCameBackTo() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            try await ExpiredSessions.delete(olderThan: 86_400, on: t.app.db)
            #expect(try await sessionRows(t.app) == 1, "a session in use stays")
            try await ExpiredSessions.delete(olderThan: 86_400, on: t.app.db, now: Date().addingTimeInterval(2 * 86_400))
            #expect(try await sessionRows(t.app) == 0)
        }
    }

    @Test func aBusySessionIsWrittenAtMostOnceAnHour() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            let old = Date().addingTimeInterval(-2 * 3600)
            try await t.app.db.sql().update("_fluent_sessions").set("last_seen_at", to: SQLBind(old)).run()
            try await browser.get("/students")
            let seen = try #require(try await t.app.db.sql().select().column("last_seen_at").from("_fluent_sessions").first()?.decode(column: "last_seen_at", as: Date.self))
            #expect(seen > old.addingTimeInterval(3600), "an hour-old mark is renewed")
            try await browser.get("/students")
            let again = try #require(try await t.app.db.sql().select().column("last_seen_at").from("_fluent_sessions").first()?.decode(column: "last_seen_at", as: Date.self))
            #expect(again == seen, "a fresh mark is not written again")
        }
    }

    @Test func sessionIdleDaysMustBeAPositiveNumber() {
        #expect(throws: ConfigurationError.self) { try AppConfig.load(from: ["SESSION_IDLE_DAYS": "0"]) }
        #expect(throws: ConfigurationError.self) { try AppConfig.load(from: ["SESSION_IDLE_DAYS": "soon"]) }
        #expect((try? AppConfig.load(from: [:]))?.sessionIdleDays == 30)
    }

    // MARK: - Search

    @Test func percentAndUnderscoreMatchThemselves() async throws {
        try await withTestApp { t in
            try await Fixtures.student("100% sure", email: "a@example.com", on: t.app)
            try await Fixtures.student("a_b", email: "b@example.com", on: t.app)
            try await Fixtures.student("plain", email: "c@example.com", on: t.app)
            for (query, expected) in [("%", ["100% sure"]), ("_", ["a_b"]), ("\\", [] as [String])] {
                let found = try await Student.search(query, includeArchived: false, on: t.app.db).all().map(\.name)
                #expect(found == expected, "searching \(query)")
            }
        }
    }

    // MARK: - Helpers

    private func sessionRows(_ app: Application) async throws -> Int {
        try await app.db.sql().raw("SELECT COUNT(*) AS n FROM _fluent_sessions").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    private func jsonBody(_ object: [String: String]) throws -> ByteBuffer {
        ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
    }
}
