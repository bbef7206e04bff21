import Foundation

/// Every path the app answers, written once. Links are built from `AppRoute` values and routes are
/// registered from their `Pattern`s (`routes.get(.student, use: show)`), so a link and its route
/// cannot drift apart; `RouteTableTests` checks that every pattern is registered and nothing else.
enum AppRoute {
    case today
    case calendar(tab: CalendarTab? = nil, studentID: UUID? = nil)
    case students(query: String? = nil)
    case student(UUID)
    case studentEdit(UUID)
    case studentArchive(UUID)
    case studentPurge(UUID)
    case studentRestore(UUID)
    case studentConsultations(UUID)
    case consultation(UUID)
    case consultationStatus(UUID)
    case consultationFollowUps(UUID)
    case consultationCancel(UUID)
    case consultationNoShowSend(UUID)
    case studentBook(UUID, eventType: String? = nil)
    case studentBookingLink(UUID)
    case followUp(UUID)
    case followUpDone(UUID)
    case settings
    case settingsSecurity
    case search(query: String? = nil)
    case signIn(next: String? = nil)
    case signOut
    case signInCode
    case setup(token: String)

    enum CalendarTab: String, CaseIterable, Sendable {
        case upcoming
        case schedule
    }

    /// A route's path; `:id` and `:token` are the parameters handlers read.
    enum Pattern: String, CaseIterable, Sendable {
        // Pages
        case home = "/"
        case today = "/today"
        case todaySeen = "/today/seen"
        case consultationNotes = "/consultations/:id/notes"
        case calendar = "/calendar"
        case calendarSchedule = "/calendar/schedule"
        case calendarUpcomingFragment = "/calendar/upcoming"
        case students = "/students"
        case student = "/students/:id"
        case studentEdit = "/students/:id/edit"
        case studentArchive = "/students/:id/archive"
        case studentPurge = "/students/:id/purge"
        case studentRestore = "/students/:id/restore"
        case studentConsultations = "/students/:id/consultations"
        case studentImport = "/students/import"
        case consultation = "/consultations/:id"
        case consultationStatus = "/consultations/:id/status"
        case consultationFollowUps = "/consultations/:id/follow-ups"
        case consultationCancel = "/consultations/:id/cancel"
        case consultationNoShowSend = "/consultations/:id/no-show/send"
        case studentBook = "/students/:id/book"
        case studentBookingLink = "/students/:id/booking-link"
        case followUp = "/follow-ups/:id"
        case followUpDone = "/follow-ups/:id/done"
        case settings = "/settings"
        case search = "/search"
        case settingsAccount = "/settings/account"
        case settingsPassword = "/settings/password"
        case settingsCalendlyToken = "/settings/calendly/token"
        case settingsCalendlyTokenRemove = "/settings/calendly/token/remove"
        case settingsCalendlySubscribe = "/settings/calendly/subscribe"
        case settingsCalendlySync = "/settings/calendly/sync"
        case settingsWebhooksReplay = "/settings/webhooks/replay"
        case settingsCalendarFeed = "/settings/calendar-feed"
        case settingsCalendarFeedRevoke = "/settings/calendar-feed/revoke"
        case settingsSecurity = "/settings/security"
        case settingsTwoFactor = "/settings/two-factor"
        case settingsTwoFactorConfirm = "/settings/two-factor/confirm"
        case settingsTwoFactorDisable = "/settings/two-factor/disable"
        case settingsRecoveryCodes = "/settings/two-factor/recovery-codes"
        case settingsSessionsEndOthers = "/settings/sessions/end-others"
        case settingsSessionsEnd = "/settings/sessions/end"
        case settingsTokens = "/settings/tokens"
        case settingsTokensRevoke = "/settings/tokens/revoke"
        case calendarFeed = "/feeds/:token/consultations.ics"
        case signIn = "/sign-in"
        case signInCode = "/sign-in/code"
        case signOut = "/sign-out"
        case setup = "/setup/:token"
        // API
        case apiHealth = "/api/health"
        case apiToday = "/api/today"
        case apiOpenAPI = "/api/openapi.json"
        case apiStudents = "/api/students"
        case apiStudent = "/api/students/:id"
        case apiStudentRestore = "/api/students/:id/restore"
        case apiStudentImport = "/api/students/import"
        case apiConsultations = "/api/consultations"
        case apiConsultation = "/api/consultations/:id"
        case apiConsultationBrief = "/api/consultations/:id/brief"
        case apiFollowUps = "/api/follow-ups"
        case apiFollowUp = "/api/follow-ups/:id"
        case apiCalendlyConfig = "/api/calendar/config/calendly"
        case apiUpcomingMeetings = "/api/calendar/meetings/upcoming"
        case apiMeetingsSync = "/api/calendar/meetings/sync"
        case apiCalendlyWebhook = "/api/calendar/webhook/calendly"
        case apiOpenTimes = "/api/calendar/event-types/available-times"
        case apiBookMeeting = "/api/calendar/meetings/book"
        case apiSchedulingLinks = "/api/calendar/scheduling-links"
        case apiConsultationCancellation = "/api/consultations/:id/cancellation"
        case apiConsultationNoShowSend = "/api/consultations/:id/no-show/send"
        case apiCalendarFeed = "/api/calendar/feed"
        case apiExportStudents = "/api/export/students.csv"
        case apiExportConsultations = "/api/export/consultations.csv"
        case apiExport = "/api/export.json"
        case apiSearch = "/api/search"
        // Prometheus scrapes it with an API token.
        case metrics = "/metrics"

        var segments: [String] { rawValue.split(separator: "/").map(String.init) }

        /// The path with each parameter replaced, in order, by `values`.
        func filled(_ values: String...) -> String {
            var remaining = values[...]
            return "/" + segments.map { segment in
                guard segment.hasPrefix(":"), let value = remaining.popFirst() else { return segment }
                return value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? value
            }.joined(separator: "/")
        }
    }

    var path: String {
        switch self {
        case .calendar(let tab, let studentID):
            var items: [URLQueryItem] = []
            if let studentID { items.append(.init(name: "student", value: studentID.uuidString)) }
            let base = tab == .schedule ? Pattern.calendarSchedule : Pattern.calendar
            return Self.withQuery(base.rawValue, items)
        case .students(let query):
            return Self.withQuery(Pattern.students.rawValue, query.map { [.init(name: "q", value: $0)] } ?? [])
        case .student(let id): return Pattern.student.filled(id.uuidString)
        case .studentEdit(let id): return Pattern.studentEdit.filled(id.uuidString)
        case .studentArchive(let id): return Pattern.studentArchive.filled(id.uuidString)
        case .studentPurge(let id): return Pattern.studentPurge.filled(id.uuidString)
        case .studentRestore(let id): return Pattern.studentRestore.filled(id.uuidString)
        case .studentConsultations(let id): return Pattern.studentConsultations.filled(id.uuidString)
        case .consultation(let id): return Pattern.consultation.filled(id.uuidString)
        case .consultationStatus(let id): return Pattern.consultationStatus.filled(id.uuidString)
        case .consultationFollowUps(let id): return Pattern.consultationFollowUps.filled(id.uuidString)
        case .consultationCancel(let id): return Pattern.consultationCancel.filled(id.uuidString)
        case .consultationNoShowSend(let id): return Pattern.consultationNoShowSend.filled(id.uuidString)
        case .studentBook(let id, let eventType):
            return Self.withQuery(Pattern.studentBook.filled(id.uuidString), eventType.map { [.init(name: "event_type", value: $0)] } ?? [])
        case .studentBookingLink(let id): return Pattern.studentBookingLink.filled(id.uuidString)
        case .followUp(let id): return Pattern.followUp.filled(id.uuidString)
        case .followUpDone(let id): return Pattern.followUpDone.filled(id.uuidString)
        case .today: return Pattern.today.rawValue
        case .settings: return Pattern.settings.rawValue
        case .settingsSecurity: return Pattern.settingsSecurity.rawValue
        case .search(let query):
            return Self.withQuery(Pattern.search.rawValue, query.map { [.init(name: "q", value: $0)] } ?? [])
        case .signIn(let next):
            return Self.withQuery(Pattern.signIn.rawValue, next.map { [.init(name: "next", value: $0)] } ?? [])
        case .signOut: return Pattern.signOut.rawValue
        case .signInCode: return Pattern.signInCode.rawValue
        case .setup(let token): return Pattern.setup.filled(token)
        }
    }

    private static func withQuery(_ path: String, _ items: [URLQueryItem]) -> String {
        guard !items.isEmpty else { return path }
        var components = URLComponents()
        components.path = path
        components.queryItems = items
        return components.string ?? path
    }
}
