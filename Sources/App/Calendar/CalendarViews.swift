import Foundation

struct CalendarPageContext: Encodable {
    var page: PageChrome
    var activeTab: String
    var upcomingLink: String
    var scheduleLink: String
    /// The Upcoming Meetings table, already rendered by its own template, which escapes every value.
    var meetingsHTML: String
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
