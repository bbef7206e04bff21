import Fluent
import Vapor

/// The Settings page: the account, Calendly's health with every problem and its fix, the webhook
/// subscription (create or recreate), failed deliveries with replay, and "sync now".
struct SettingsPageController {
    func show(req: Request) async throws -> View {
        try await render(req, flash: nil, syncResult: nil)
    }

    struct TokenForm: Content {
        var apiToken: String?
        enum CodingKeys: String, CodingKey { case apiToken = "api_token" }
    }

    /// Checks the token with Calendly at once and keeps it; a refused one stays in the field.
    func saveToken(req: Request) async throws -> Response {
        let form = try req.content.decode(TokenForm.self)
        do {
            let owner = try await CalendlyTokenSettings(app: req.application, db: req.db).save(form.apiToken)
            let view = try await render(req, flash: "Connected to Calendly as \(owner).", syncResult: nil)
            return try await view.encodeResponse(for: req)
        } catch let error as AppError {
            let view = try await render(req, flash: nil, syncResult: nil, errors: error.formErrors, enteredToken: form.apiToken)
            return try await view.encodeResponse(status: error.status, for: req)
        }
    }

    func removeToken(req: Request) async throws -> Response {
        try await CalendlyTokenSettings(app: req.application, db: req.db).remove()
        return req.redirect(to: AppRoute.settings.path + "?notice=\(Notice.calendlyTokenRemoved.rawValue)")
    }

    func saveDetails(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(AccountDetailsForm.self)
        do {
            _ = try await req.accounts.updateDetails(try account.requireID(), email: form.email, timeZone: form.timeZone)
            return req.redirect(to: AppRoute.settings.path + "?notice=\(Notice.accountSaved.rawValue)#account")
        } catch let error as AppError {
            let view = try await render(req, flash: nil, syncResult: nil, details: form, errors: error.formErrors)
            return try await view.encodeResponse(status: error.status, for: req)
        }
    }

    func changePassword(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        let form = try req.content.decode(PasswordChangeForm.self)
        do {
            try await req.accounts.changePassword(try account.requireID(), current: form.currentPassword ?? "", new: form.newPassword ?? "",
                                                  confirmation: form.newPasswordConfirmation ?? "", keeping: req.session.id)
            await req.audit.record(.passwordChanged, .succeeded, "every other session signed out")
            return req.redirect(to: AppRoute.settings.path + "?notice=\(Notice.passwordChanged.rawValue)#password")
        } catch let error as AppError {
            await req.audit.record(.passwordChanged, .failed, "refused: " + error.formErrors.keys.sorted().joined(separator: ", "))
            let view = try await render(req, flash: nil, syncResult: nil, errors: error.formErrors)
            return try await view.encodeResponse(status: error.status, for: req)
        }
    }

    /// Creates the subscription, or recreates it (a disabled one cannot be re-enabled), then reconciles.
    func subscribe(req: Request) async throws -> Response {
        let app = req.application
        let message: String
        do {
            let account = try await app.calendly.account(app.appConfig).get()
            var subscriber = CalendlySubscriber(client: try app.calendly.client(app.appConfig.calendly), db: req.db,
                                                writer: app.databaseWriter, sandbox: app.appConfig.sandboxMode)
            subscriber.configuredSecret = app.appConfig.calendly.webhookSecret
            let outcome = try await subscriber.subscribe(url: app.appConfig.webhookURL, scope: account.scope, replace: true)
            let counts = try await app.reconcileWithCalendly(rateLimitWait: CalendlySync.requestRateLimitWait)
            let what = if case .alreadyActive = outcome { "The subscription is active." } else { "Subscribed to Calendly's webhooks." }
            message = "\(what) Sync: \(counts.summary)."
        } catch let error as CalendlyError {
            message = "Could not subscribe: \(error.message) \(error.hint)"
        }
        return try await render(req, flash: message, syncResult: nil).encodeResponse(for: req)
    }

    func syncNow(req: Request) async throws -> Response {
        let app = req.application
        let result: String
        do {
            result = "Sync finished: \(try await app.reconcileWithCalendly(rateLimitWait: CalendlySync.requestRateLimitWait).summary)."
        } catch let error as CalendlyError {
            result = "Sync failed: \(error.message) \(error.hint)"
        }
        return try await render(req, flash: nil, syncResult: result).encodeResponse(for: req)
    }

    struct ReplayForm: Content {
        var id: String?
    }

    func replay(req: Request) async throws -> Response {
        let form = try req.content.decode(ReplayForm.self)
        let ids = try form.id.map { [try FieldRules.uuid($0, field: "id")] }
        let summary = try await WebhookReplay(inbox: req.webhookInbox, db: req.db).replay(all: false, ids: ids)
        return try await render(req, flash: summary.description + ".", syncResult: nil).encodeResponse(for: req)
    }

    // MARK: - Rendering

    /// A new calendar feed address, shown this once.
    func makeFeed(req: Request) async throws -> View {
        let token = try await req.calendarFeeds.make()
        await req.audit.record(.calendarFeedChanged, .succeeded, "new address made")
        return try await render(req, flash: "New calendar feed address made; any earlier one no longer works.", syncResult: nil,
                                newFeedURL: CalendarFeedController.url(token: token, config: req.application.appConfig))
    }

    func revokeFeed(req: Request) async throws -> View {
        try await req.calendarFeeds.revoke()
        await req.audit.record(.calendarFeedChanged, .succeeded, "address revoked")
        return try await render(req, flash: "Calendar feed address revoked: calendar apps can no longer read it.", syncResult: nil)
    }

    private func render(_ req: Request, flash: String?, syncResult: String?,
                        details: AccountDetailsForm? = nil, errors: [String: String] = [:], enteredToken: String? = nil,
                        newFeedURL: String? = nil) async throws -> View {
        let account = try req.auth.require(Account.self)
        let config = req.application.appConfig
        let time = req.timeDisplay
        let calendlyAccount = await req.application.calendly.account(config)
        let connection = try await CalendlyConnectionStore(db: req.db, sandbox: config.sandboxMode).load()
        let last = try await WebhookDelivery.query(on: req.db).max(\.$receivedAt)
        let report = CalendlyConfigReport(config: config, account: calendlyAccount, storedConnection: connection, lastDeliveryAt: last).build()
        var doctor = CalendlyDoctor(config: config, account: calendlyAccount, connection: connection, lastDeliveryAt: last)
        doctor.formatTime = { RelativeTime.describe($0, time: time) }
        let checks = doctor.checks()
        let failedQuery = WebhookDelivery.query(on: req.db).filter(\.$state ~~ [.failed, .pending])
        let failed = try await failedQuery.copy().sort(\.$receivedAt, .descending).limit(50).all()
        let context = SettingsPageContext(
            page: PageChrome(request: req, title: "Settings", section: "settings", flash: flash, path: AppRoute.settings.path),
            accountEmail: account.email, timeZone: account.timeZone,
            details: details ?? AccountDetailsForm(email: account.email, timeZone: account.timeZone),
            timeZones: TimeZoneChoice.all, errors: errors,
            calendlyConfigured: config.calendly.isConfigured,
            mode: config.sandboxMode ? "sandbox" : "live",
            maskedKey: config.calendly.apiKey.map(Secret.mask),
            tokenOrigin: req.application.calendlyTokenOrigin.rawValue,
            enteredToken: enteredToken,
            deliveryProblem: config.sandboxMode ? nil : PublicAddressCheck.problem(config.publicBaseURL),
            apiBaseURL: config.calendly.apiBaseURL.absoluteString,
            webhookURL: config.webhookURL,
            checks: checks.map { HealthCheckRow(name: $0.name, passed: $0.passed, detail: $0.detail, hint: $0.hint) },
            summary: CalendlyStatusSummary.sentence(configured: config.calendly.isConfigured, account: calendlyAccount,
                                                     problems: report.problems.count, lastDeliveryAt: last, time: time),
            problems: report.problems,
            hasProblems: !report.problems.isEmpty,
            subscriptionState: report.webhook.subscriptionState,
            subscriptionAction: report.webhook.subscriptionState == "active" ? "Recreate subscription" : "Subscribe to webhooks",
            lastSync: connection?.lastSyncAt.map(time.format),
            failedDeliveries: failed.map {
                FailedDeliveryRow(id: $0.id?.uuidString ?? "", receivedAt: time.format($0.receivedAt), event: $0.event,
                                  error: $0.error ?? "not processed yet", state: $0.state.rawValue)
            },
            failedCount: try await failedQuery.count(),
            syncResult: syncResult,
            feedMadeAt: try await req.calendarFeeds.current()?.createdAt.map(time.format),
            newFeedURL: newFeedURL
        )
        return try await req.view.render("settings", context)
    }
}
