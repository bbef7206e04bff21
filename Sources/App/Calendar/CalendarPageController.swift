import Fluent
import Vapor

/// The Calendar page and its two tabs, Upcoming Meetings and Schedule New Meeting.
struct CalendarPageController {
    /// `/` leads to Today.
    func home(req: Request) -> Response {
        req.redirect(to: AppRoute.today.path)
    }

    func upcomingTab(req: Request) async throws -> View {
        try await render(req, tab: .upcoming)
    }

    func scheduleTab(req: Request) async throws -> View {
        try await render(req, tab: .schedule)
    }

    /// The Upcoming Meetings table alone, so the page can refresh it after a booking without a reload.
    func upcomingFragment(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: try await upcomingTable(req)))
        response.headers.contentType = .html
        return response
    }

    /// The table as HTML, rendered (and escaped) by its template once per change of data.
    private func upcomingTable(_ req: Request) async throws -> String {
        let time = req.timeDisplay
        return try await req.upcomingMeetings.table(zone: time.zoneName, limit: 100, version: try await req.dataVersion()) { meetings in
            let ownerUserURI = try await req.calendlyUserURI()
            let table = ConsultationTable(
                rows: meetings.map { ConsultationListItem($0, time: time, ownerUserURI: ownerUserURI) },
                emptyText: "No upcoming meetings. Book one on the Schedule New Meeting tab, or share your Calendly link.")
            let view = try await req.view.render("consultation-table", table)
            return String(buffer: view.data)
        }
    }

    private func render(_ req: Request, tab: AppRoute.CalendarTab) async throws -> View {
        let time = req.timeDisplay
        let config = req.application.appConfig
        let chosenID = try req.queryReader.uuid("student")
        // The chooser searches the API as the owner types; the page carries only the chosen student.
        var chosen: Student?
        if let chosenID {
            guard let student = try await Student.find(chosenID, on: req.db) else { throw AppError.notFound("Student") }
            chosen = student
        }
        let context = CalendarPageContext(
            page: PageChrome(request: req, title: "Calendar", section: "calendar"),
            activeTab: tab.rawValue,
            upcomingLink: AppRoute.calendar(tab: .upcoming).path,
            scheduleLink: AppRoute.calendar(tab: .schedule, studentID: chosenID).path,
            meetingsHTML: try await upcomingTable(req),
            timeZone: time.zoneName,
            calendlyConfigured: config.calendly.isConfigured,
            widgetScriptURL: config.calendly.widgetScriptURL.absoluteString,
            widgetCSSURL: config.calendly.widgetCSSURL.absoluteString,
            widgetOrigin: config.calendly.bookingOrigin,
            chosenStudentID: chosenID?.uuidString, chosenStudentName: chosen?.name,
            students: chosen.map { [StudentOption(id: $0.id?.uuidString ?? "", name: $0.name, email: $0.email.nonEmpty, selected: true)] } ?? []
        )
        return try await req.view.render("calendar", context)
    }
}
