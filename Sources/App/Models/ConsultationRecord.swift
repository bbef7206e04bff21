import Foundation

/// A consultation row joined with its student's name and email, decoded straight from SQL.
///
/// Lists that are read often (upcoming meetings, the Calendar page) use this instead of Fluent
/// models, whose per-row reflection cost more than the query itself.
struct ConsultationRecord: Decodable, Sendable {
    var id: UUID
    var studentID: UUID
    var studentName: String
    var studentEmail: String
    var type: String
    var consultationDate: Date
    var endDate: Date?
    var duration: Int
    var notes: String
    var topic: String
    var followUpNotes: String
    var status: ConsultationStatus
    var location: String?
    var joinURL: String?
    var calendlyEventURI: String?
    var calendlyInviteeURI: String?
    var calendlyEventTypeURI: String?
    var cancelURL: String?
    var rescheduleURL: String?
    var cancelReason: String?
    var canceledBy: String?
    var canceledAt: Date?
    var rescheduledFromID: UUID?
    var rescheduledToID: UUID?
    var questionsAndAnswersJSON: String?
    var inviteeTimezone: String?
    var calendlyUpdatedAt: Date?
    var createdAt: Date?
    var updatedAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, duration, notes, topic, status, location
        case studentID = "student_id", studentName = "student_name", studentEmail = "student_email"
        case consultationDate = "consultation_date", endDate = "end_date", followUpNotes = "follow_up_notes"
        case joinURL = "join_url", calendlyEventURI = "calendly_event_uri", calendlyInviteeURI = "calendly_invitee_uri"
        case calendlyEventTypeURI = "calendly_event_type_uri", cancelURL = "cancel_url", rescheduleURL = "reschedule_url"
        case cancelReason = "cancel_reason", canceledBy = "canceled_by", canceledAt = "canceled_at"
        case rescheduledFromID = "rescheduled_from_id", rescheduledToID = "rescheduled_to_id"
        case questionsAndAnswersJSON = "questions_and_answers", inviteeTimezone = "invitee_timezone"
        case calendlyUpdatedAt = "calendly_updated_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    var questionsAndAnswers: [QuestionAndAnswer] {
        questionsAndAnswersJSON.flatMap { try? JSONDecoder().decode([QuestionAndAnswer].self, from: Data($0.utf8)) } ?? []
    }
}
