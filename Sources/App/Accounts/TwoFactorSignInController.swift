import Fluent
import Vapor

/// The second step of signing in with two-factor on: a code from the authenticator app, or a
/// recovery code. Wrong codes are throttled with wrong passwords, by client address.
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
        if case .throttled(let wait) = try await throttle.reserve(key, writer: req.application.databaseWriter, on: req.db) {
            let minutes = (wait + 59) / 60
            try await req.audit.recordThrottled(within: throttle.window)
            let response = try await render(req, error: "Too many failed attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
                                            status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: "\(wait)")
            return response
        }
        switch try await req.twoFactor.check(form.code ?? "", for: pending.accountID) {
        case .accepted(let method):
            guard let account = try await Account.find(pending.accountID, on: req.db) else { return Self.startOver(req) }
            try await throttle.succeeded(key, writer: req.application.databaseWriter, on: req.db)
            let detail = switch method {
            case .authenticatorCode: "password and authenticator code"
            case .recoveryCode(let remaining): "password and recovery code (\(remaining) left)"
            }
            try await req.audit.record(.signIn, .succeeded, detail)
            try await req.signIn(account)
            if case .recoveryCode = method {
                return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.recoveryCodeUsed.rawValue)#two-factor")
            }
            return req.redirect(to: pending.next)
        case .malformed:
            try await req.audit.record(.signIn, .failed, "malformed code")
            return try await render(req, error: "Enter the 6 digits your authenticator app shows, or one of your recovery codes.", status: .unprocessableEntity)
        case .wrong:
            try await req.audit.record(.signIn, .failed, "wrong code")
            return try await render(req, error: "That code is not right. Codes change every 30 seconds: enter the one showing now.", status: .unauthorized)
        case .reused:
            try await req.audit.record(.signIn, .failed, "code already used")
            return try await render(req, error: "That code was already used. Wait for the next one and enter it.", status: .unauthorized)
        }
    }

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
