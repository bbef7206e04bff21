import Fluent
import Vapor

/// Sign-in, sign-out and the one-time setup of the owner account.
struct AuthPagesController {
    /// Sign-out needs a signed-in session, so it is registered with the protected routes.
    func signOut(req: Request) async throws -> Response {
        await req.audit.record(.signOut)
        req.auth.logout(Account.self)
        req.session.destroy()
        return req.redirect(to: AppRoute.signIn().path + "?notice=\(Notice.signedOut.rawValue)")
    }

    func signInPage(req: Request) async throws -> Response {
        if req.auth.has(Account.self) { return req.redirect(to: AppRoute.calendar().path) }
        let next = Self.safeNext(req.query[String.self, at: "next"])
        return try await renderSignIn(req, email: "", next: next, error: nil, status: .ok)
    }

    func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        let next = Self.safeNext(form.next)
        let key = ClientAddress.of(req, trusting: req.application.appConfig.trustedProxies)
        let throttle = req.application.signInThrottle
        if case .throttled(let wait) = try await throttle.reserve(key, writer: req.application.databaseWriter, on: req.db) {
            let response = try await renderSignIn(req, email: form.email ?? "", next: next,
                                                  error: "Too many failed attempts. " + SignInThrottle.tryAgain(after: wait),
                                                  status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: "\(wait)")
            await req.audit.recordThrottled(within: throttle.window)
            return response
        }
        let email = FieldRules.normalizedEmail(form.email ?? "")
        let account = try await Account.query(on: req.db).filter(\.$email == email).first()
        let verified = try await Self.verify(form.password ?? "", account: account, on: req)
        guard let account, verified else {
            // The reserved attempt stays counted as a failure. What was typed is not recorded: a
            // password typed into the email field would end up in the log.
            await req.audit.record(.signIn, .failed, "wrong email or password")
            return try await renderSignIn(req, email: form.email ?? "", next: next, error: "That email and password do not match.", status: .unauthorized)
        }
        if account.twoFactorEnabled {
            // The attempt stays counted until the code is right too: a right password must not
            // reset the count, or whoever has it could guess codes without end.
            try await req.renewSession()
            PendingSignIn.start(try account.requireID(), next: next, in: req.session)
            return req.redirect(to: AppRoute.signInCode.path)
        }
        try await throttle.succeeded(key, writer: req.application.databaseWriter, on: req.db)
        await req.audit.record(.signIn, .succeeded, "password")
        try await req.signIn(account)
        return req.redirect(to: next)
    }

    func setupPage(req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        try await Self.requireSetupOpen(req, token: token)
        let context = SetupPageContext(page: PageChrome(request: req, title: "Create your account"),
                                       action: AppRoute.setup(token: token).path, email: "", timeZone: "UTC", timeZoneChosen: false, errors: [:])
        return try await req.view.render("setup", context).encodeResponse(for: req)
    }

    func setup(req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        try await Self.requireSetupOpen(req, token: token)
        let form = try req.content.decode(SetupForm.self)
        do {
            let account = try await req.accounts.createOwner(email: form.email ?? "", password: form.password ?? "", timeZone: form.timeZone ?? "",
                                                             confirmation: form.passwordConfirmation ?? "")
            _ = req.application.setupLink.redeem(token)
            try await req.signIn(account)
            return req.redirect(to: AppRoute.calendar().path)
        } catch let error as AppError {
            let context = SetupPageContext(page: PageChrome(request: req, title: "Create your account"),
                                           action: AppRoute.setup(token: token).path, email: form.email ?? "",
                                           timeZone: form.timeZone ?? "UTC", timeZoneChosen: true, errors: error.formErrors)
            return try await req.view.render("setup", context).encodeResponse(status: error.status, for: req)
        }
    }

    // MARK: - Helpers

    private func renderSignIn(_ req: Request, email: String, next: String, error: String?, status: HTTPStatus) async throws -> Response {
        let context = SignInPageContext(page: PageChrome(request: req, title: "Sign in"), email: email, next: next, error: error)
        return try await req.view.render("sign-in", context).encodeResponse(status: status, for: req)
    }

    /// Checks the password; with no such account it still spends a bcrypt verification so timing
    /// does not reveal which emails exist.
    private static func verify(_ password: String, account: Account?, on req: Request) async throws -> Bool {
        guard let hash = account?.passwordHash ?? dummyHash else { return false }
        let matches = (try? await req.password.async.verify(password, created: hash)) ?? false
        return account != nil && matches
    }

    private static let dummyHash = try? Bcrypt.hash("no account has this password")

    /// Only same-site paths: an open redirect would let a link send the owner elsewhere after sign-in.
    /// No control characters: in a `Location` header CR and LF would add headers of the sender's
    /// choosing, and browsers drop TAB, so `/\t/evil.example` would become `//evil.example`.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
              HeaderValue.isSafe(next), next.utf8.count <= 2_000 else { return AppRoute.calendar().path }
        return next
    }

    private static func requireSetupOpen(_ req: Request, token: String) async throws {
        guard try await !req.accounts.hasAccount(), req.application.setupLink.isValid(token) else {
            throw AppError.notFound("This setup link is used or expired; sign in, or run `crm user create`. Setup link")
        }
    }
}
