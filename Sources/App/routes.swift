import Vapor

/// Every route, registered from `AppRoute.Pattern` (the paths links are built from): open routes
/// first, then the API, then the pages. The groups add only middleware.
func routes(_ app: Application) throws {
    // Open: health, and (with its own signature check) the Calendly webhook.
    let health = HealthController(), webhook = WebhookController()
    app.get(.apiHealth, use: health.health)
    app.on(.POST, AppRoute.Pattern.apiCalendlyWebhook.pathComponents, body: .stream, use: webhook.receive)

    // The API: an API token (Bearer), or the session cookie with the X-CSRF-Token header on writes.
    // Bodies are read whole (within size and time limits) before the CSRF check looks at them.
    let api = app.grouped(BearerTokenAuthenticator(), SessionAccountAuthenticator(), RequireAccountMiddleware(),
                          BodyCollector(maxSize: BodyLimits.prose), CSRFMiddleware())
    let openAPI = try OpenAPIController(directory: app.directory)
    api.get(.apiOpenAPI, use: openAPI.document)
    let studentsAPI = StudentAPIController()
    api.get(.apiStudents, use: studentsAPI.list)
    api.post(.apiStudents, use: studentsAPI.create)
    api.get(.apiStudent, use: studentsAPI.read)
    api.patch(.apiStudent, use: studentsAPI.update)
    api.delete(.apiStudent, use: studentsAPI.delete)
    api.post(.apiStudentRestore, use: studentsAPI.restore)
    let consultationsAPI = ConsultationAPIController()
    api.get(.apiConsultations, use: consultationsAPI.list)
    api.post(.apiConsultations, use: consultationsAPI.create)
    api.get(.apiConsultation, use: consultationsAPI.read)
    api.patch(.apiConsultation, use: consultationsAPI.update)
    api.delete(.apiConsultation, use: consultationsAPI.delete)
    let calendarAPI = CalendarAPIController()
    api.get(.apiCalendlyConfig, use: calendarAPI.config)
    api.get(.apiUpcomingMeetings, use: calendarAPI.upcoming)
    api.post(.apiMeetingsSync, use: calendarAPI.sync)

    // Pages: sign-in and setup are open (with a small body limit); the rest redirect to sign-in.
    let browser = app.grouped(SessionAccountAuthenticator())
    let open = browser.grouped(BodyCollector(maxSize: BodyLimits.small), CSRFMiddleware())
    let auth = AuthPagesController()
    open.get(.signIn, use: auth.signInPage)
    open.post(.signIn, use: auth.signIn)
    open.get(.setup, use: auth.setupPage)
    open.post(.setup, use: auth.setup)

    let pages = browser.grouped(RequireAccountMiddleware(), BodyCollector(maxSize: BodyLimits.prose), CSRFMiddleware())
    pages.post(.signOut, use: auth.signOut)
    let calendar = CalendarPageController()
    pages.get(.home, use: calendar.home)
    pages.get(.calendar, use: calendar.upcomingTab)
    pages.get(.calendarSchedule, use: calendar.scheduleTab)
    pages.get(.calendarUpcomingFragment, use: calendar.upcomingFragment)
    let students = StudentPagesController()
    pages.get(.students, use: students.list)
    pages.post(.students, use: students.create)
    pages.get(.student, use: students.show)
    pages.post(.studentEdit, use: students.edit)
    pages.post(.studentArchive, use: students.archive)
    pages.post(.studentPurge, use: students.purge)
    pages.post(.studentRestore, use: students.restore)
    pages.post(.studentConsultations, use: students.addConsultation)
    let consultations = ConsultationPagesController()
    pages.get(.consultation, use: consultations.show)
    pages.post(.consultation, use: consultations.edit)
    pages.post(.consultationStatus, use: consultations.changeStatus)
    let settings = SettingsPageController()
    pages.get(.settings, use: settings.show)
    pages.post(.settingsAccount, use: settings.saveDetails)
    pages.post(.settingsPassword, use: settings.changePassword)
    pages.post(.settingsCalendlyToken, use: settings.saveToken)
    pages.post(.settingsCalendlyTokenRemove, use: settings.removeToken)
    pages.post(.settingsCalendlySubscribe, use: settings.subscribe)
    pages.post(.settingsCalendlySync, use: settings.syncNow)
    pages.post(.settingsWebhooksReplay, use: settings.replay)
}
