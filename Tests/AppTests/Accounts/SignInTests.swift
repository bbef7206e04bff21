@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Sign-in, sign-out and setup")
struct SignInTests {
    @Test(arguments: ["/", "/calendar", "/calendar/schedule", "/students", "/settings", "/students/\(UUID())"])
    func pagesRedirectToSignInWhenSignedOut(path: String) async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, path)
            #expect(response.status == .seeOther)
            let location = try #require(response.headers.first(name: .location))
            #expect(location.hasPrefix("/sign-in"))
        }
    }

    @Test func signInSetsAHardenedCookieAndOpensTheCalendar() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            let response = try await browser.signIn()
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/calendar")
            let cookie = try #require(response.headers.first(name: "Set-Cookie"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.lowercased().contains("samesite=lax"))
            #expect(!cookie.contains("Secure"))
            let calendar = try await browser.get("/calendar")
            #expect(calendar.status == .ok)
            #expect(calendar.body.string.contains("Upcoming Meetings"))
        }
    }

    @Test func wrongPasswordIsRefusedAndRepeatedFailuresAreThrottled() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            for _ in 0..<5 {
                let response = try await browser.signIn(password: "wrong password")
                #expect(response.status == .unauthorized)
                #expect(response.body.string.contains("do not match"))
            }
            let throttled = try await browser.signIn()
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers.first(name: "Retry-After") != nil)
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let response = try await browser.post("/students", form: ["name": "Mallory"], includeCSRF: false)
            #expect(response.status == .forbidden)
            #expect(try await Student.query(on: t.app.db).count() == 0)
        }
    }

    @Test func cookieAuthenticatedAPIWritesNeedTheCSRFHeader() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/calendar")
            var headers = HTTPHeaders()
            headers.add(name: "Cookie", value: try #require(browser.cookie))
            let refused = try await t.app.testing().sendRequest(.POST, "/api/students", headers: headers, body: try jsonBody(["name": "Eve"]))
            #expect(refused.status == .forbidden)
            headers.add(name: "X-CSRF-Token", value: try #require(browser.csrfToken))
            let accepted = try await t.app.testing().sendRequest(.POST, "/api/students", headers: headers, body: try jsonBody(["name": "Eve"]))
            #expect(accepted.status == .created)
            let read = try await t.app.testing().sendRequest(.GET, "/api/students", headers: ["Cookie": browser.cookie ?? ""])
            #expect(read.status == .ok)
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/calendar")
            let response = try await browser.post("/sign-out", form: [:])
            #expect(response.status == .seeOther)
            let after = try await browser.get("/calendar")
            #expect(after.status == .seeOther)
        }
    }

    @Test func signInRefusesOffSiteRedirects() {
        #expect(AuthPagesController.safeNext("https://evil.example") == "/calendar")
        #expect(AuthPagesController.safeNext("//evil.example") == "/calendar")
        #expect(AuthPagesController.safeNext("/students?q=a") == "/students?q=a")
    }
}

@Suite("One-time setup link")
struct SetupLinkTests {
    @Test func setupLinkCreatesTheOwnerOnceAndSignsIn() async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: .sqliteMemory, publicBaseURL: URL(string: "http://127.0.0.1:8080")!, calendly: .init()))
            try await app.autoMigrate()
            let token = app.setupLink.issue()
            let browser = BrowserSession(app: app)
            // a wrong token is not found
            #expect(try await browser.get("/setup/not-the-token").status == .notFound)
            // a bad form is shown again with the field named
            #expect(try await browser.get("/setup/\(token)").status == .ok)
            let bad = try await browser.post("/setup/\(token)", form: ["email": "me@example.com", "password": "short", "password_confirmation": "short", "time_zone": "UTC"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Password must be at least 10 characters"))
            // the right form creates the account and signs in
            let good = try await browser.post("/setup/\(token)", form: ["email": "me@example.com", "password": "long enough pass", "password_confirmation": "long enough pass", "time_zone": "Europe/Paris"])
            #expect(good.status == .seeOther)
            #expect(try await browser.get("/calendar").status == .ok)
            #expect(try await Account.query(on: app.db).count() == 1)
            // and the link is spent
            #expect(try await BrowserSession(app: app).get("/setup/\(token)").status == .notFound)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

@Suite("Session storage")
struct SessionStorageTests {
    @Test func unknownCookiesStoreNothingAndSignInStoresOneSession() async throws {
        try await withTestApp { t in
            // a stale or forged cookie leaves no row behind
            for _ in 0..<3 {
                _ = try await t.app.testing().sendRequest(.GET, "/calendar", headers: ["Cookie": "crm_session=forged-\(UUID())"])
            }
            #expect(try await SessionRecord.query(on: t.app.db).count() == 0)
            // signing in stores one session, and page views keep using it
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            for _ in 0..<3 { #expect(try await browser.get("/calendar").status == .ok) }
            #expect(try await SessionRecord.query(on: t.app.db).count() == 1)
        }
    }
}
