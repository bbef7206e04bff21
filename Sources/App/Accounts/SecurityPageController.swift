import Fluent
import Vapor

/// Settings › Security: turning two-factor sign-in on and off, the signed-in sessions, API tokens,
/// and the audit log. Every change here is itself recorded in the audit log, refused ones included.
struct SecurityPageController {
    /// The secret being set up lives in the session until its first code confirms it.
    private static let setupKey = "two_factor_setup"

    func show(req: Request) async throws -> View {
        try await render(req, Options())
    }

    // MARK: - Two-factor sign-in

    func startTwoFactor(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(PasswordConfirmForm.self)
        do {
            let totp = try await req.twoFactor.begin(account, password: form.password ?? "")
            req.session.data[Self.setupKey] = totp.base32
            return try await render(req, Options(setup: totp)).encodeResponse(for: req)
        } catch let error as AppError {
            try await req.audit.record(.twoFactorEnabled, .failed, "refused: \(error.reason)")
            return try await render(req, Options(errors: error.formErrors)).encodeResponse(status: error.status, for: req)
        }
    }

    func confirmTwoFactor(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(TwoFactorCodeForm.self)
        guard let stored = req.session.data[Self.setupKey], let totp = AuthenticatorSecret(base32: stored) else {
            return try await render(req, Options(errors: ["two_factor": "Setting up two-factor sign-in timed out or was not started: enter your password to start again."]))
                .encodeResponse(status: .conflict, for: req)
        }
        do {
            let codes = try await req.twoFactor.confirm(try account.requireID(), secret: totp, code: form.code ?? "")
            req.session.data[Self.setupKey] = nil
            try await req.audit.record(.twoFactorEnabled)
            return try await render(req, Options(flash: "Two-factor sign-in is on.", newRecoveryCodes: codes)).encodeResponse(for: req)
        } catch let error as AppError {
            try await req.audit.record(.twoFactorEnabled, .failed, "refused: \(error.reason)")
            return try await render(req, Options(setup: totp, errors: error.formErrors)).encodeResponse(status: error.status, for: req)
        }
    }

    func disableTwoFactor(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(PasswordConfirmForm.self)
        do {
            try await req.twoFactor.disable(account, password: form.password ?? "")
            try await req.audit.record(.twoFactorDisabled)
            return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.twoFactorOff.rawValue)#two-factor")
        } catch let error as AppError {
            try await req.audit.record(.twoFactorDisabled, .failed, "refused: \(error.reason)")
            return try await render(req, Options(errors: ["disable_password": error.formErrors["password"] ?? error.reason]))
                .encodeResponse(status: error.status, for: req)
        }
    }

    // MARK: - Sessions

    func endOtherSessions(req: Request) async throws -> Response {
        let ended = try await req.signedInSessions.endAll(except: req.session.id)
        try await req.audit.record(.sessionsEnded, .succeeded, "every other session (\(ended))")
        return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.sessionsEnded.rawValue)#sessions")
    }

    func endSession(req: Request) async throws -> Response {
        let form = try req.content.decode(SessionEndForm.self)
        guard try await req.signedInSessions.end(handle: form.session ?? "", keeping: req.session.id) else {
            try await req.audit.record(.sessionsEnded, .failed, "no such session")
            return try await render(req, Options(errors: ["sessions": "That session is not signed in any more (or is this one: use Sign out)."]))
                .encodeResponse(status: .notFound, for: req)
        }
        try await req.audit.record(.sessionsEnded, .succeeded, "one session")
        return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.sessionEnded.rawValue)#sessions")
    }

    // MARK: - API tokens

    func createToken(req: Request) async throws -> Response {
        let form = try req.content.decode(TokenCreateForm.self)
        do {
            let plain = try await req.accounts.createToken(name: form.name ?? "")
            try await req.audit.record(.tokenCreated, .succeeded, Self.quoted(form.name ?? ""))
            return try await render(req, Options(flash: "API token made. Copy it now: it is not shown again.", newToken: plain))
                .encodeResponse(for: req)
        } catch let error as AppError {
            return try await render(req, Options(tokenName: form.name ?? "", errors: error.formErrors)).encodeResponse(status: error.status, for: req)
        }
    }

    func revokeToken(req: Request) async throws -> Response {
        let form = try req.content.decode(TokenRevokeForm.self)
        do {
            let id = try FieldRules.uuid(form.id, field: "id")
            let name = try await req.accounts.revokeToken(id)
            try await req.audit.record(.tokenRevoked, .succeeded, Self.quoted(name))
            return req.redirect(to: AppRoute.settingsSecurity.path + "?notice=\(Notice.tokenRevoked.rawValue)#tokens")
        } catch let error as AppError {
            try await req.audit.record(.tokenRevoked, .failed, "no such token")
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

    private func render(_ req: Request, _ options: Options) async throws -> View {
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
                AuditRow(at: time.format($0.occurredAt), event: $0.event.label, outcome: $0.outcome.rawValue, address: $0.address, detail: $0.detail)
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
