import Foundation

struct StudentListItem: Encodable {
    var name: String
    var email: String
    var phone: String
    var link: String
    var archived: Bool
}

/// Values and per-field messages of a student form, kept when it is shown again after an error.
struct StudentForm: Codable {
    var name: String?
    var email: String?
    var phone: String?
    var notes: String?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case name, email, phone, notes, timeZone = "time_zone"
    }
}

struct StudentsPageContext: Encodable {
    var page: PageChrome
    var query: String
    /// The archived students alone, where they can be opened and restored.
    var showArchived: Bool
    var archivedCount: Int
    var students: [StudentListItem]
    var total: Int
    var form: StudentForm
    var errors: [String: String]
}

struct StudentPageContext: Encodable {
    var page: PageChrome
    var id: String
    var name: String
    var email: String
    var phone: String
    var notes: String?
    var source: String
    var archivedAt: String?
    var createdAt: String
    var scheduleLink: String
    /// Book through Calendly for the student, or send them a single-use link.
    var bookLink: String
    var editAction: String
    var archiveAction: String
    var purgeAction: String
    var restoreAction: String
    var addConsultationAction: String
    var upcoming: ConsultationTable
    var past: ConsultationTable
    /// What is still to be done, soonest due first, each linked to the meeting it was agreed in.
    var openFollowUps: [FollowUpItem]
    var form: StudentForm
    var consultationForm: ConsultationForm
    var errors: [String: String]
    var timeZone: String
    /// The student's own zone, when known, for showing times as they see them.
    var studentTimeZone: String?
    var timeZoneChoices: [String]
}

/// The hand-entered consultation form on a student's page.
struct ConsultationForm: Codable {
    var type: String?
    var consultationDate: String?
    var duration: String?
    var topic: String?
    var notes: String?

    enum CodingKeys: String, CodingKey {
        case type, consultationDate = "consultation_date", duration, topic, notes
    }
}

extension StudentForm {
    init(_ student: Student) {
        self.init(name: student.name, email: student.email, phone: student.phone, notes: student.notes, timeZone: student.timeZone ?? "")
    }
}
