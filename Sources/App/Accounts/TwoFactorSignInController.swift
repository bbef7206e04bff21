import Fluent
import Vapor

/// The second step of signing in with two-factor on: a code from the authenticator app, or a
/// recovery code. Wrong codes are throttled with wrong passwords by client address, and by account.
struct TwoFactorSignInController {
    func page(req: Request) async throws -> Response {
        guard PendingSignIn.current(req) != nil else { return Self.startOver(req) }
        return try await render(req, error: nil, status: .ok)
    }

    func submit(req: Request) async throws -> Response {
        guard let pending = PendingSignIn.current(req) else { return Self.startOver(req) }
        let form = try req.content.decode(CodeForm.self)
        let key = ClientAddress.of(req, trusting: req.application.appConfig.trustedProxies)
        let throttle = req.application.signInThrottle
        // Codes are counted per address like passwords, and per account too: whoever has the
        // password must not get 5 guesses from each of many addresses.
        let accountKey = "account:" + pending.accountID.uuidString
        let writer = req.application.databaseWriter
        var reservation = try await throttle.reserve(key, writer: writer, on: req.db)
        if reservation == .allowed {
            reservation = try await Self.accountThrottle.reserve(accountKey, writer: writer, on: req.db)
        }
        if case .throttled(let wait) = reservation {
            await req.audit.recordThrottled(within: throttle.window)
            let response = try await render(req, error: "Too many failed attempts. " + SignInThrottle.tryAgain(after: wait),
                                            status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: "\(wait)")
            return response
        }
        switch try await req.twoFactor.check(form.code ?? "", for: pending.accountID) {
        case .accepted(let method):
            guard let account = try await Account.find(pending.accountID, on: req.db) else { return Self.startOver(req) }
            try await throttle.succeeded(key, writer: writer, on: req.db)
            try await Self.accountThrottle.succeeded(accountKey, writer: writer, on: req.db)
            let detail = switch method {
            case .authenticatorCode: "password and authenticator code"
            case .recoveryCode(let remaining): "password and recovery code (\(remaining) left)"
            }
            await req.audit.record(.signIn, .succeeded, detail)
            try await req.signIn(account)
            if case .recoveryCode = method {
                return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.recoveryCodeUsed.rawValue)#two-factor")
            }
            return req.redirect(to: pending.next)
        case .malformed:
            await req.audit.record(.signIn, .failed, "malformed code")
            return try await render(req, error: "Enter the 6 digits your authenticator app shows, or one of your recovery codes.", status: .unprocessableEntity)
        case .wrong:
            await req.audit.record(.signIn, .failed, "wrong code")
            return try await render(req, error: "That code is not right. Codes change every 30 seconds: enter the one showing now.", status: .unauthorized)
        case .reused:
            await req.audit.record(.signIn, .failed, "code already used")
            return try await render(req, error: "That code was already used, or a newer one was. Wait for the next code and enter it.", status: .unauthorized)
        case .recoveryCodeUsed:
            await req.audit.record(.signIn, .failed, "recovery code already used")
            return try await render(req, error: "That recovery code was already used: each works once. Enter another one, or a code from your app.", status: .unauthorized)
        }
    }

    /// Wrong codes for one account, from any address: 10 in 15 minutes. Only someone who has the
    /// password reaches this step, so only they could use it to keep the owner waiting.
    static let accountThrottle = SignInThrottle(limit: 10)

    struct CodeForm: Content {
        var code: String?
    }

    private func render(_ req: Request, error: String?, status: HTTPStatus) async throws -> Response {
        let context = SignInCodePageContext(page: PageChrome(request: req, title: "Two-factor sign-in"), error: error)
        return try await req.view.render("sign-in-code", context).encodeResponse(status: status, for: req)
    }

    /// No password step waiting (or it expired): back to the start.
    private static func startOver(_ req: Request) -> Response {
        if req.hasSession { PendingSignIn.clear(req.session) }
        return req.redirect(to: AppRoute.signIn().path + "?notice=\(Notice.signInExpired.rawValue)")
    }
}

struct SignInCodePageContext: Encodable {
    var page: PageChrome
    var error: String?
}
