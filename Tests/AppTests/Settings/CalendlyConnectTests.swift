@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Connecting Calendly from Settings, without a restart (SPEC section 7): the token is checked at
/// once, stored, shown masked, replaceable and removable; the environment wins when set.
@Suite("Connect Calendly from Settings")
struct CalendlyConnectTests {
    @Test func aTokenEnteredOnSettingsIsCheckedKeptAndUsedAtOnce() async throws {
        try await withSandboxedApp(subscribe: false, settings: { $0.apiKey = nil }) { s in
            let browser = BrowserSession(app: s.app)
            try await browser.signIn()
            #expect(try await CalendlyConfigTests.config(s.t).codes == ["calendly_not_configured"])
            try await browser.get("/settings")
            // a wrong token is refused and stays in its field
            let refused = try await browser.post("/settings/calendly/token", form: ["api_token": "not-a-real-token"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("was refused by Calendly"))
            #expect(HTMLForm(id: "token-form", in: refused.body.string)?.fields["api_token"] == "not-a-real-token")
            #expect(s.app.appConfig.calendly.apiKey == nil)
            // the right one is kept and used without a restart
            let saved = try await browser.post("/settings/calendly/token", form: ["api_token": s.sandbox.apiToken])
            #expect(saved.status == .ok)
            #expect(saved.body.string.contains("Connected to Calendly as"))
            #expect(saved.body.string.contains(Secret.mask(s.sandbox.apiToken)))
            #expect(!saved.body.string.contains(s.sandbox.apiToken), "the token is shown masked")
            let (json, _) = try await CalendlyConfigTests.config(s.t)
            #expect(json["configured"] as? Bool == true)
            #expect(try await CalendlyConnection.query(on: s.app.db).first()?.apiToken == s.sandbox.apiToken)
            // a restart reads it back
            s.app.useCalendlySettingsToken(nil)
            try await s.app.loadCalendlyTokenFromSettings()
            #expect(s.app.appConfig.calendly.apiKey == s.sandbox.apiToken)
            // and it can be removed
            #expect(try await browser.post("/settings/calendly/token/remove", form: [:]).status == .seeOther)
            #expect(s.app.appConfig.calendly.apiKey == nil)
            #expect(try await CalendlyConfigTests.config(s.t).codes == ["calendly_not_configured"])
        }
    }

    /// Several instances (SPEC 13): the token another instance saved or removed is in use here
    /// from the next request; this app learns of it only through the database.
    @Test func aTokenStoredByAnotherInstanceIsUsedAtTheNextRequest() async throws {
        try await withSandboxedApp(subscribe: false, settings: { $0.apiKey = nil }) { s in
            // given no token anywhere
            #expect(try await CalendlyConfigTests.config(s.t).codes == ["calendly_not_configured"])

            // when another instance saves one, then replaces it, then removes it, then saves and deletes the row
            try await Self.storeToken(s.sandbox.apiToken, app: s.app)
            let (json, _) = try await CalendlyConfigTests.config(s.t)
            // then each is in use here from the next request
            #expect(json["configured"] as? Bool == true)
            #expect(s.app.calendlyTokenOrigin == .settings)
            try await Self.storeToken("a-replacement-token", app: s.app)
            #expect(try await CalendlyConfigTests.config(s.t).codes.contains("calendly_token_invalid"))
            #expect(s.app.appConfig.calendly.apiKey == "a-replacement-token")
            try await Self.storeToken(nil, app: s.app)
            #expect(try await CalendlyConfigTests.config(s.t).codes == ["calendly_not_configured"])
            #expect(s.app.calendlyTokenOrigin == CalendlyTokenOrigin.none)
            try await Self.storeToken(s.sandbox.apiToken, app: s.app)
            #expect(try await CalendlyConfigTests.config(s.t).0["configured"] as? Bool == true)
            try await CalendlyConnection.query(on: s.app.db).delete()
            #expect(try await CalendlyConfigTests.config(s.t).codes == ["calendly_not_configured"])
        }
    }

    /// What another instance's Settings does to the database, without telling this app.
    private static func storeToken(_ token: String?, app: Application) async throws {
        try await app.databaseWriter.transaction(on: app.db) { db in
            let connection = try await CalendlyConnectionStore(db: db, sandbox: app.appConfig.sandboxMode).loadOrNew()
            connection.apiToken = token
            try await connection.save(on: db)
        }
    }

    @Test func theEnvironmentWins() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            let browser = BrowserSession(app: s.app)
            try await browser.signIn()
            let page = try await browser.get("/settings").body.string
            #expect(page.contains("comes from <code>CALENDLY_API_KEY</code>"))
            #expect(HTMLForm(id: "token-form", in: page) == nil)
            let refused = try await browser.post("/settings/calendly/token", form: ["api_token": "other"])
            #expect(refused.status == .unprocessableEntity)
            #expect(s.app.appConfig.calendly.apiKey == s.sandbox.apiToken)
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "loopback"), ("http://localhost:8080", "loopback"), ("https://192.168.1.20", "private"),
        ("https://10.0.0.5:8443", "private"), ("http://crm.example.com", "plain http"), ("https://[::1]:8080", "loopback"),
    ])
    func addressesCalendlyCannotReachAreNamed(url: String, reason: String) throws {
        let address = try #require(URL(string: url))
        let problem = try #require(PublicAddressCheck.problem(address))
        #expect(problem.contains(reason))
    }

    @Test func aPublicHTTPSAddressIsFine() throws {
        let address = try #require(URL(string: "https://crm.example.com"))
        #expect(PublicAddressCheck.problem(address) == nil)
    }

    @Test func settingsSaysWhenCalendlyCannotDeliver() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = try await browser.get("/settings").body.string
            #expect(page.contains("Calendly cannot deliver webhooks here: http://127.0.0.1:8080 is this machine&#39;s own address"), "escaped by the template")
        }
    }
}
