@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Two-factor sign-in as the owner meets it: turned on from Settings › Security, then asked for at
/// sign-in. Codes here come from the app's own TOTP, which `TOTPTests` checks against the RFC
/// vectors; the browser test computes them with `pyotp`.
@Suite("Two-factor sign-in")
struct TwoFactorTests {
    /// Turns two-factor on through the page; returns the secret and the recovery codes shown.
    static func enable(_ browser: BrowserSession) async throws -> (AuthenticatorSecret, [String]) {
        let started = try await browser.post("/settings/two-factor", form: ["password": Fixtures.ownerPassword])
        #expect(started.status == .ok)
        let html = started.body.string
        let secret = try #require(html.firstMatch(of: /data-secret="([A-Z2-7]+)"/)).1
        let totp = try #require(AuthenticatorSecret(base32: String(secret)))
        let confirmed = try await browser.post("/settings/two-factor/confirm", form: ["code": totp.code(at: Date())])
        #expect(confirmed.status == .ok)
        let codes = confirmed.body.string.matches(of: /<li><code>([a-z2-9-]{19})<\/code><\/li>/).map { String($0.1) }
        #expect(codes.count == 10)
        return (totp, codes)
    }

    /// Signs the owner in on `browser` and turns two-factor on there.
    static func signInAndEnable(_ browser: BrowserSession) async throws -> (AuthenticatorSecret, [String]) {
        try await browser.signIn()
        try await browser.get("/settings/security")
        return try await enable(browser)
    }

    /// A code no earlier step has used: the one for the next step, which the drift window accepts.
    static func freshCode(_ totp: AuthenticatorSecret) -> String {
        totp.code(step: totp.step(at: Date()) + 1)
    }

    @Test func turningItOnNeedsThePasswordAndAFirstCode() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/settings/security")

            // given a wrong password
            let refused = try await browser.post("/settings/two-factor", form: ["password": "not my password"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Password is not your current password"))
            #expect(!refused.body.string.contains("data-secret"))

            // a code before any setup: a clear message, nothing changed
            let early = try await browser.post("/settings/two-factor/confirm", form: ["code": "123456"])
            #expect(early.status == .conflict)
            #expect(early.body.string.contains("id=\"form-error\">Setting up two-factor sign-in timed out or was not started"))

            // given the right password, then a wrong first code
            let started = try await browser.post("/settings/two-factor", form: ["password": Fixtures.ownerPassword])
            let secret = try #require(started.body.string.firstMatch(of: /data-secret="([A-Z2-7]+)"/)).1
            // A reload shows the same secret, so an app already set up with it still fits.
            let reloaded = try await browser.get("/settings/security")
            #expect(reloaded.body.string.contains("data-secret=\"\(secret)\""))
            #expect(started.body.string.contains("otpauth://totp/"))
            let totp = try #require(AuthenticatorSecret(base32: String(secret)))
            let wrongCode = totp.code(step: totp.step(at: Date()) + 5)
            let wrong = try await browser.post("/settings/two-factor/confirm", form: ["code": wrongCode])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("The code does not match"))
            // The same secret is shown again, so the app already set up still fits.
            #expect(wrong.body.string.contains("data-secret=\"\(secret)\""))
            let malformed = try await browser.post("/settings/two-factor/confirm", form: ["code": "12ab"])
            #expect(malformed.status == .unprocessableEntity)
            #expect(try await Self.owner(t).totpSecret == nil)

            // when the code is right
            let confirmed = try await browser.post("/settings/two-factor/confirm", form: ["code": totp.code(at: Date())])

            // then it is on, and ten recovery codes are shown once and kept only as hashes
            #expect(confirmed.status == .ok)
            let codes = confirmed.body.string.matches(of: /<li><code>([a-z2-9-]{19})<\/code><\/li>/).map { String($0.1) }
            #expect(codes.count == 10)
            #expect(try await Self.owner(t).totpSecret == String(secret))
            let stored = try await RecoveryCode.query(on: t.app.db).all().map(\.codeHash)
            #expect(Set(stored) == Set(codes.map(RecoveryCode.hash)))
            let again = try await browser.get("/settings/security")
            #expect(!again.body.string.contains(codes[0]))
            #expect(again.body.string.contains("Recovery codes left: <strong id=\"recovery-left\">10</strong>"))

            let events = try await Self.audit(t)
            #expect(events.filter { $0.kind == .twoFactorEnabled }.map(\.outcome) == ["failed", "failed", "failed", "failed", "succeeded"])
        }
    }

    @Test func signInAsksForACodeAndTakesEachCodeOnce() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            let (totp, _) = try await Self.signInAndEnable(owner)

            // when the password is right
            let browser = BrowserSession(app: t.app)
            let afterPassword = try await browser.signIn()
            #expect(afterPassword.status == .seeOther)
            #expect(afterPassword.headers.first(name: .location) == "/sign-in/code")
            // then nothing opens yet
            let notYet = try await browser.get("/calendar")
            #expect(notYet.status == .seeOther)
            #expect(notYet.headers.first(name: .location)?.hasPrefix("/sign-in") == true)

            let codePage = try await browser.get("/sign-in/code")
            #expect(codePage.status == .ok)
            let code = Self.freshCode(totp)
            let signedIn = try await browser.post("/sign-in/code", form: ["code": code])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/calendar")
            #expect(try await browser.get("/calendar").status == .ok)

            // a replay of the same code, from another browser with the password, is refused
            let thief = BrowserSession(app: t.app)
            try await thief.signIn()
            try await thief.get("/sign-in/code")
            let replay = try await thief.post("/sign-in/code", form: ["code": code])
            #expect(replay.status == .unauthorized)
            #expect(replay.body.string.contains("already used"))
            #expect(try await thief.get("/calendar").status == .seeOther)

            // an earlier step's code is refused too, once a later one was taken
            let older = try await thief.post("/sign-in/code", form: ["code": totp.code(step: totp.step(at: Date()) - 1)])
            #expect(older.status == .unauthorized)

            let malformed = try await thief.post("/sign-in/code", form: ["code": "not a code"])
            #expect(malformed.status == .unprocessableEntity)
            #expect(malformed.body.string.contains("Enter the 6 digits"))

            let signIns = try await Self.audit(t).filter { $0.kind == .signIn }
            #expect(signIns.map(\.outcome) == ["succeeded", "succeeded", "failed", "failed", "failed"])
            #expect(signIns.map(\.detail) == ["password", "password and authenticator code", "code already used", "code already used", "malformed code"]
                || signIns.map(\.detail) == ["password", "password and authenticator code", "code already used", "wrong code", "malformed code"])
        }
    }

    /// Every instance claims a code by one conditional update of the same row, so of several
    /// simultaneous sign-ins with one code (or one recovery code) exactly one gets in.
    @Test func simultaneousUsesOfOneCodeLetExactlyOneIn() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            let (totp, codes) = try await Self.signInAndEnable(owner)
            let id = try await Self.owner(t).requireID()
            let service = t.app.twoFactor
            for typed in [Self.freshCode(totp), codes[5]] {
                let outcomes = try await withThrowingTaskGroup(of: TwoFactorService.CodeCheck.self) { group in
                    for _ in 0..<8 { group.addTask { try await service.check(typed, for: id) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.filter { if case .accepted = $0 { true } else { false } }.count == 1)
                #expect(outcomes.count == 8)
            }
        }
    }

    @Test func aRecoveryCodeSignsInOnce() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            let (_, codes) = try await Self.signInAndEnable(owner)

            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/sign-in/code")
            // Typed loosely: upper case, spaces for dashes.
            let typed = codes[3].uppercased().replacingOccurrences(of: "-", with: " ")
            let used = try await browser.post("/sign-in/code", form: ["code": typed])
            #expect(used.status == .seeOther)
            #expect(used.headers.first(name: .location) == "/settings/security?notice=recovery-code-used#two-factor")
            let page = try await browser.get("/settings/security?notice=recovery-code-used")
            #expect(page.body.string.contains("<strong id=\"recovery-left\">9</strong>"))

            let again = BrowserSession(app: t.app)
            try await again.signIn()
            try await again.get("/sign-in/code")
            let refused = try await again.post("/sign-in/code", form: ["code": codes[3]])
            #expect(refused.status == .unauthorized)
            #expect(refused.body.string.contains("That recovery code was already used: each works once."))
            #expect(try await again.get("/calendar").status == .seeOther)
            #expect(try await RecoveryCode.query(on: t.app.db).filter(\.$usedAt != nil).count() == 1)
        }
    }

    @Test func wrongCodesAreThrottledWithWrongPasswords() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            let (totp, _) = try await Self.signInAndEnable(owner)

            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/sign-in/code")
            // The password attempt counts until the code is right: four wrong codes make five.
            for _ in 0..<4 {
                let wrong = try await browser.post("/sign-in/code", form: ["code": totp.code(step: totp.step(at: Date()) + 7)])
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await browser.post("/sign-in/code", form: ["code": Self.freshCode(totp)])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers.first(name: "Retry-After") != nil)
            #expect(try await browser.get("/calendar").status == .seeOther)
            // A right password does not reset the count.
            let password = try await browser.signIn()
            #expect(password.status == .tooManyRequests)
            // A client hammering while throttled is recorded once per wait, not once per attempt.
            for _ in 0..<3 { try await browser.post("/sign-in/code", form: ["code": "123456"]) }
            let throttledEvents = try await Self.audit(t).filter { $0.kind == .signIn && $0.outcome == "throttled" }
            #expect(throttledEvents.count == 1)
        }
    }

    /// Whoever has the password must not get five code guesses from each of many addresses.
    @Test func wrongCodesAreCountedPerAccountAcrossAddresses() async throws {
        try await withTestApp(adjust: { $0.trustedProxies = [IPRange("127.0.0.1/32"), IPRange("::1/128")].compactMap { $0 } }) { t in
            let owner = BrowserSession(app: t.app)
            let (totp, _) = try await Self.signInAndEnable(owner)

            let browser = BrowserSession(app: t.app)
            let password = try await browser.signIn()
            #expect(password.headers.first(name: .location) == "/sign-in/code")
            // Each code from a new address, through a trusted proxy (over a real socket, which has an address).
            for address in 1...10 {
                let wrong = try await browser.post("/sign-in/code", form: ["code": totp.code(step: totp.step(at: Date()) + 9)],
                                                   running: true, headers: ["X-Forwarded-For": "203.0.113.\(address)"])
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await browser.post("/sign-in/code", form: ["code": Self.freshCode(totp)],
                                                   running: true, headers: ["X-Forwarded-For": "192.0.2.99"])
            #expect(throttled.status == .tooManyRequests)
        }
    }

    @Test func newRecoveryCodesReplaceTheOldOnes() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            let (_, old) = try await Self.signInAndEnable(owner)
            let refused = try await owner.post("/settings/two-factor/recovery-codes", form: ["password": "wrong"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"renew-password-error\">Password is not your current password"))
            let renewed = try await owner.post("/settings/two-factor/recovery-codes", form: ["password": Fixtures.ownerPassword])
            #expect(renewed.status == .ok)
            let codes = renewed.body.string.matches(of: /<li><code>([a-z2-9-]{19})<\/code><\/li>/).map { String($0.1) }
            #expect(codes.count == 10)
            #expect(Set(codes).isDisjoint(with: old))

            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/sign-in/code")
            #expect(try await browser.post("/sign-in/code", form: ["code": old[0]]).status == .unauthorized)
            #expect(try await browser.post("/sign-in/code", form: ["code": codes[0]]).status == .seeOther)
        }
    }

    @Test func aWrongPasswordGetsTheSameAnswerWithTwoFactorOnOrOff() async throws {
        try await withTestApp { t in
            let before = try await BrowserSession(app: t.app).signIn(password: "wrong password")
            let owner = BrowserSession(app: t.app)
            _ = try await Self.signInAndEnable(owner)
            let after = try await BrowserSession(app: t.app).signIn(password: "wrong password")
            #expect(before.status == after.status)
            #expect(Self.errorText(before) == Self.errorText(after))
            #expect(Self.errorText(after) == "That email and password do not match.")
        }
    }

    @Test func turningItOffNeedsThePasswordAndTheServerCanResetIt() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            _ = try await Self.signInAndEnable(owner)

            let refused = try await owner.post("/settings/two-factor/disable", form: ["password": "wrong"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Password is not your current password"))
            #expect(try await Self.owner(t).twoFactorEnabled)

            let off = try await owner.post("/settings/two-factor/disable", form: ["password": Fixtures.ownerPassword])
            #expect(off.status == .seeOther)
            #expect(try await Self.owner(t).twoFactorEnabled == false)
            #expect(try await RecoveryCode.query(on: t.app.db).count() == 0)

            // on again, then reset from the server as `crm user reset-2fa` does
            try await owner.get("/settings/security")
            _ = try await Self.enable(owner)
            try await t.app.twoFactor.reset(email: Fixtures.ownerEmail.uppercased())
            #expect(try await Self.owner(t).twoFactorEnabled == false)
            let browser = BrowserSession(app: t.app)
            let signedIn = try await browser.signIn()
            #expect(signedIn.headers.first(name: .location) == "/calendar")
            await #expect(throws: AppError.self) { try await t.app.twoFactor.reset(email: "nobody@example.com") }
        }
    }

    @Test func theCodeStepWithoutAPasswordStepStartsOver() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.get("/sign-in")
            let page = try await browser.get("/sign-in/code")
            #expect(page.status == .seeOther)
            #expect(page.headers.first(name: .location) == "/sign-in?notice=sign-in-expired")
            let post = try await browser.post("/sign-in/code", form: ["code": "123456"])
            #expect(post.status == .seeOther)
            #expect(try await browser.get("/calendar").status == .seeOther)
        }
    }

    @Test func theAuditLogNeverHoldsAPasswordCodeOrSecret() async throws {
        try await withTestApp { t in
            let owner = BrowserSession(app: t.app)
            try await owner.signIn()
            try await owner.get("/settings/security")
            try await owner.post("/settings/two-factor", form: ["password": "typed-wrong-password-1"])
            let (totp, codes) = try await Self.enable(owner)
            let browser = BrowserSession(app: t.app)
            try await browser.post("/sign-in", form: ["email": "correct horse battery", "password": "typed-wrong-password-2"])
            try await browser.signIn()
            let code = Self.freshCode(totp)
            try await browser.post("/sign-in/code", form: ["code": "999999"])
            try await browser.post("/sign-in/code", form: ["code": code])
            let made = try await owner.post("/settings/tokens", form: ["name": "backup"])
            let token = try #require(made.body.string.firstMatch(of: /id="new-token-value">([^<]+)</)).1

            let logged = try await Self.audit(t).map { "\($0.event) \($0.outcome) \($0.address) \($0.detail)" }.joined(separator: "\n")
            #expect(logged.contains("sign_in failed"))
            for secret in [Fixtures.ownerPassword, "typed-wrong-password-1", "typed-wrong-password-2", code, "999999",
                           totp.base32, String(token), t.token] + codes {
                #expect(!logged.contains(secret), "the audit log holds \(secret)")
            }
        }
    }

    static func owner(_ t: TestApp) async throws -> Account {
        try #require(try await Account.query(on: t.app.db).first())
    }

    static func audit(_ t: TestApp) async throws -> [AuditEvent] {
        try await AuditEvent.query(on: t.app.db).sort(\.$occurredAt).all()
    }

    static func errorText(_ response: TestingHTTPResponse) -> String? {
        response.body.string.firstMatch(of: /id="sign-in-error">([^<]*)</).map { String($0.1) }
    }
}
