import Fluent
import Vapor

/// Settings › Security: turning two-factor sign-in on and off, the signed-in sessions, API tokens,
/// and the audit log. Every change here is itself recorded in the audit log, refused ones included.
struct SecurityPageController {
    /// The secret being set up lives in the session until its first code confirms it, for at most
    /// 30 minutes; until then the page shows it again, so an app already set up with it still fits.
    private static let setupKey = "two_factor_setup"
    private static let setupStartedKey = "two_factor_setup_started"
    private static let setupLifetime: TimeInterval = 30 * 60

    func show(req: Request) async throws -> View {
        try await render(req, Options(setup: Self.setupInProgress(req)))
    }

    // MARK: - Two-factor sign-in

    func startTwoFactor(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(PasswordConfirmForm.self)
        if let throttled = try await Self.throttledPasswordCheck(req) { return throttled }
        do {
            let secret = try await req.twoFactor.begin(account, password: form.password ?? "")
            try await Self.passwordAccepted(req)
            req.session.data[Self.setupKey] = secret.base32
            req.session.data[Self.setupStartedKey] = String(Int(Date().timeIntervalSince1970))
            return try await render(req, Options(setup: secret)).encodeResponse(for: req)
        } catch let error as AppError {
            await req.audit.record(.twoFactorEnabled, .failed, "refused: \(error.reason)")
            if error.formErrors["password"] == nil { try await Self.passwordAccepted(req) }
            return try await render(req, Options(errors: Self.passwordErrors(error, field: "password"))).encodeResponse(status: error.status, for: req)
        }
    }

    func confirmTwoFactor(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(TwoFactorCodeForm.self)
        guard let secret = Self.setupInProgress(req) else {
            await req.audit.record(.twoFactorEnabled, .failed, "refused: setup not started or timed out")
            return try await render(req, Options(errors: ["form": "Setting up two-factor sign-in timed out or was not started: enter your password to start again."]))
                .encodeResponse(status: .conflict, for: req)
        }
        do {
            let codes = try await req.twoFactor.confirm(try account.requireID(), secret: secret, code: form.code ?? "")
            Self.endSetup(req)
            await req.audit.record(.twoFactorEnabled)
            return try await render(req, Options(flash: "Two-factor sign-in is on.", newRecoveryCodes: codes)).encodeResponse(for: req)
        } catch let error as AppError {
            await req.audit.record(.twoFactorEnabled, .failed, "refused: \(error.reason)")
            if case .conflict = error { Self.endSetup(req) }
            return try await render(req, Options(setup: Self.setupInProgress(req), errors: error.formErrors)).encodeResponse(status: error.status, for: req)
        }
    }

    func disableTwoFactor(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(PasswordConfirmForm.self)
        if let throttled = try await Self.throttledPasswordCheck(req) { return throttled }
        do {
            try await req.twoFactor.disable(account, password: form.password ?? "")
            try await Self.passwordAccepted(req)
            await req.audit.record(.twoFactorDisabled)
            return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.twoFactorOff.rawValue)#two-factor")
        } catch let error as AppError {
            await req.audit.record(.twoFactorDisabled, .failed, "refused: \(error.reason)")
            if error.formErrors["password"] == nil { try await Self.passwordAccepted(req) }
            return try await render(req, Options(errors: Self.passwordErrors(error, field: "disable_password"))).encodeResponse(status: error.status, for: req)
        }
    }

    func renewRecoveryCodes(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(PasswordConfirmForm.self)
        if let throttled = try await Self.throttledPasswordCheck(req) { return throttled }
        do {
            let codes = try await req.twoFactor.renewRecoveryCodes(account, password: form.password ?? "")
            try await Self.passwordAccepted(req)
            await req.audit.record(.recoveryCodesRenewed)
            return try await render(req, Options(flash: "New recovery codes made; the old ones no longer work.", newRecoveryCodes: codes))
                .encodeResponse(for: req)
        } catch let error as AppError {
            await req.audit.record(.recoveryCodesRenewed, .failed, "refused: \(error.reason)")
            if error.formErrors["password"] == nil { try await Self.passwordAccepted(req) }
            return try await render(req, Options(errors: Self.passwordErrors(error, field: "renew_password"))).encodeResponse(status: error.status, for: req)
        }
    }

    /// A wrong password for the field of this form; anything else for the page as a whole.
    private static func passwordErrors(_ error: AppError, field: String) -> [String: String] {
        if let message = error.formErrors["password"] { return [field: message] }
        return ["form": error.reason]
    }

    private static func setupInProgress(_ req: Request, now: Date = Date()) -> AuthenticatorSecret? {
        guard req.hasSession, let stored = req.session.data[setupKey],
              let started = req.session.data[setupStartedKey].flatMap(TimeInterval.init),
              now.timeIntervalSince1970 - started < setupLifetime else { return nil }
        return AuthenticatorSecret(base32: stored)
    }

    private static func endSetup(_ req: Request) {
        req.session.data[setupKey] = nil
        req.session.data[setupStartedKey] = nil
    }

    /// Password checks here are throttled with sign-in's: a stolen session must not become a way
    /// to guess the password.
    private static func throttledPasswordCheck(_ req: Request) async throws -> Response? {
        let key = ClientAddress.of(req, trusting: req.application.appConfig.trustedProxies)
        guard case .throttled(let wait) = try await req.application.signInThrottle.reserve(key, writer: req.application.databaseWriter, on: req.db) else {
            return nil
        }
        let response = try await SecurityPageController().render(req, Options(errors: ["form": "Too many wrong passwords. " + SignInThrottle.tryAgain(after: wait)]))
            .encodeResponse(status: .tooManyRequests, for: req)
        response.headers.replaceOrAdd(name: "Retry-After", value: "\(wait)")
        return response
    }

    private static func passwordAccepted(_ req: Request) async throws {
        let key = ClientAddress.of(req, trusting: req.application.appConfig.trustedProxies)
        try await req.application.signInThrottle.succeeded(key, writer: req.application.databaseWriter, on: req.db)
    }

    // MARK: - Sessions

    func endOtherSessions(req: Request) async throws -> Response {
        let ended = try await req.signedInSessions.endAll(except: req.session.id)
        await req.audit.record(.sessionsEnded, .succeeded, "every other session (\(ended))")
        return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.sessionsEnded.rawValue)#sessions")
    }

    func endSession(req: Request) async throws -> Response {
        let form = try req.content.decode(SessionEndForm.self)
        guard try await req.signedInSessions.end(handle: form.session ?? "", keeping: req.session.id) else {
            await req.audit.record(.sessionsEnded, .failed, "no such session")
            return try await render(req, Options(errors: ["sessions": "That session is not signed in any more (or is this one: use Sign out)."]))
                .encodeResponse(status: .notFound, for: req)
        }
        await req.audit.record(.sessionsEnded, .succeeded, "one session")
        return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.sessionEnded.rawValue)#sessions")
    }

    // MARK: - API tokens

    func createToken(req: Request) async throws -> Response {
        let form = try req.content.decode(TokenCreateForm.self)
        do {
            let plain = try await req.accounts.createToken(name: form.name ?? "")
            await req.audit.record(.tokenCreated, .succeeded, Self.quoted(form.name ?? ""))
            return try await render(req, Options(flash: "API token made. Copy it now: it is not shown again.", newToken: plain))
                .encodeResponse(for: req)
        } catch let error as AppError {
            await req.audit.record(.tokenCreated, .failed, "refused: \(error.reason)")
            return try await render(req, Options(tokenName: form.name ?? "", errors: error.formErrors)).encodeResponse(status: error.status, for: req)
        }
    }

    func revokeToken(req: Request) async throws -> Response {
        let form = try req.content.decode(TokenRevokeForm.self)
        do {
            let id = try FieldRules.uuid(form.id, field: "id")
            let name = try await req.accounts.revokeToken(id)
            await req.audit.record(.tokenRevoked, .succeeded, Self.quoted(name))
            return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.tokenRevoked.rawValue)#tokens")
        } catch let error as AppError {
            await req.audit.record(.tokenRevoked, .failed, "no such token")
            return try await render(req, Options(errors: ["tokens": "No API token has that id: it may be revoked already. Nothing was changed."]))
                .encodeResponse(status: error.status, for: req)
        }
    }

    /// A token's name, as the owner typed it, quoted and cut short for the log.
    private static func quoted(_ name: String) -> String {
        "“" + String(name.trimmingCharacters(in: .whitespacesAndNewlines).prefix(100)) + "”"
    }

    // MARK: - Rendering

    struct Options {
        var flash: String?
        var setup: AuthenticatorSecret?
        var newRecoveryCodes: [String]?
        var newToken: String?
        var tokenName = ""
        var errors: [String: String] = [:]
    }

    fileprivate func render(_ req: Request, _ options: Options) async throws -> View {
        guard let accountID = req.auth.get(Account.self)?.id, let account = try await Account.find(accountID, on: req.db) else {
            throw AppError.unauthorized("Sign in first")
        }
        let time = req.timeDisplay
        let auditPage = max(1, min(req.query[Int.self, at: "audit_page"] ?? 1, 10_000))
        let (events, hasOlder) = try await AuditLog.page(auditPage, on: req.db)
        let sessions = try await req.signedInSessions.list(current: req.session.id)
        let setup = options.setup.map { totp in
            TwoFactorSetupView(secret: totp.base32,
                               groupedSecret: totp.base32.chunkedString(4),
                               provisioningURI: totp.provisioningURI(account: account.email, issuer: TwoFactorService.issuer))
        }
        let context = SecurityPageContext(
            page: PageChrome(request: req, title: "Security", section: "settings", flash: options.flash, path: AppRoute.settingsSecurity.path),
            twoFactorEnabled: account.twoFactorEnabled,
            twoFactorSince: account.totpEnabledAt.map(time.format),
            recoveryCodesLeft: account.twoFactorEnabled ? try await req.twoFactor.unusedRecoveryCodes(accountID) : 0,
            setup: setup,
            newRecoveryCodes: options.newRecoveryCodes,
            sessions: sessions.map {
                SessionRow(handle: $0.handle, browser: BrowserName.describe($0.userAgent), userAgent: $0.userAgent, address: $0.address,
                           lastSeen: $0.lastSeenAt.map { RelativeTime.describe($0, time: time) } ?? "not recorded", isCurrent: $0.isCurrent)
            },
            otherSessions: sessions.filter { !$0.isCurrent }.count,
            tokens: try await req.accounts.tokens().map {
                TokenRow(id: $0.id?.uuidString ?? "", name: $0.name, created: $0.createdAt.map(time.format) ?? "",
                         lastUsed: $0.lastUsedAt.map { RelativeTime.describe($0, time: time) } ?? "never")
            },
            newToken: options.newToken,
            tokenName: options.tokenName,
            audit: events.map {
                AuditRow(at: time.format($0.occurredAt), event: $0.kind?.label ?? $0.event, outcome: $0.outcome, address: $0.address, detail: $0.detail)
            },
            auditPage: auditPage,
            olderAuditLink: hasOlder ? Self.auditLink(auditPage + 1) : nil,
            newerAuditLink: auditPage > 1 ? Self.auditLink(auditPage - 1) : nil,
            errors: options.errors
        )
        return try await req.view.render("security", context)
    }

    private static func auditLink(_ page: Int) -> String {
        AppRoute.settingsSecurity.path + (page == 1 ? "" : "?audit_page=\(page)") + "#audit"
    }
}

private extension String {
    /// `ABCDEFGH` → `ABCD EFGH`.
    func chunkedString(_ size: Int) -> String {
        Array(self).chunked(size).map { String($0) }.joined(separator: " ")
    }
}
