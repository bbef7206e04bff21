import Foundation

struct ConsultationPageContext: Encodable {
    var page: PageChrome
    var id: String
    var studentName: String
    var studentLink: String
    var type: String
    var when: String
    var endsAt: String?
    var duration: Int
    var status: String
    var statusLabel: String
    var canMark: Bool
    var location: String?
    var joinURL: String?
    var cancelURL: String?
    var rescheduleURL: String?
    var calendlyEventURI: String?
    var cancelReason: String?
    var canceledBy: String?
    var canceledAt: String?
    var rescheduledFrom: String?
    var rescheduledTo: String?
    var answers: [QuestionAndAnswer]
    var hasAnswers: Bool
    var inviteeTimezone: String?
    var form: ConsultationEditForm
    var errors: [String: String]
    var editAction: String
    var statusAction: String
}

/// The editable part of a consultation.
struct ConsultationEditForm: Codable {
    var type: String?
    var topic: String?
    var notes: String?
    var followUpNotes: String?

    enum CodingKeys: String, CodingKey {
        case type, topic, notes, followUpNotes = "follow_up_notes"
    }
}

struct StatusForm: Codable {
    var status: String
}
