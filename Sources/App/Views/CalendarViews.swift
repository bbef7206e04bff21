import Foundation

struct CalendarPageContext: Encodable {
    var page: PageChrome
    var activeTab: String
    var upcomingLink: String
    var scheduleLink: String
    var meetings: ConsultationTable
    var timeZone: String
    var calendlyConfigured: Bool
    var widgetScriptURL: String
    var widgetCSSURL: String
    var widgetOrigin: String
    var chosenStudentID: String?
    var chosenStudentName: String?
    var students: [StudentOption]
}

struct StudentOption: Encodable {
    var id: String
    var name: String
    var email: String?
    var selected: Bool
}
