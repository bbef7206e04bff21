import Fluent
import Foundation

/// One meeting with a student: made by hand, or recorded from a Calendly booking.
final class Consultation: Model, @unchecked Sendable {
    static let schema = "consultations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "student_id") var student: Student
    @Field(key: "type") var type: String
    @Field(key: "consultation_date") var consultationDate: Date
    @Field(key: "duration") var duration: Int
    @Field(key: "notes") var notes: String
    @Field(key: "topic") var topic: String
    @Field(key: "follow_up_notes") var followUpNotes: String
    @Field(key: "status") var status: ConsultationStatus
    @OptionalField(key: "end_date") var endDate: Date?
    @OptionalField(key: "location") var location: String?
    @OptionalField(key: "join_url") var joinURL: String?
    @OptionalField(key: "calendly_event_uri") var calendlyEventURI: String?
    @OptionalField(key: "calendly_invitee_uri") var calendlyInviteeURI: String?
    @OptionalField(key: "calendly_event_type_uri") var calendlyEventTypeURI: String?
    @OptionalField(key: "cancel_url") var cancelURL: String?
    @OptionalField(key: "reschedule_url") var rescheduleURL: String?
    @OptionalField(key: "cancel_reason") var cancelReason: String?
    @OptionalField(key: "canceled_by") var canceledBy: String?
    @OptionalField(key: "canceled_at") var canceledAt: Date?
    @OptionalField(key: "rescheduled_from_id") var rescheduledFromID: UUID?
    @OptionalField(key: "rescheduled_to_id") var rescheduledToID: UUID?
    /// The booking form's answers as one JSON document. Kept as text: Fluent would bind a Swift
    /// array as a PostgreSQL array (`jsonb[]`), not as one JSON value.
    @OptionalField(key: "questions_and_answers") var questionsAndAnswersJSON: String?
    @OptionalField(key: "invitee_timezone") var inviteeTimezone: String?
    @OptionalField(key: "calendly_updated_at") var calendlyUpdatedAt: Date?
    /// Calendly's no-show mark as last seen, and when: toggles apply only if newer (nil: never said).
    @OptionalField(key: "calendly_no_show") var calendlyNoShow: Bool?
    @OptionalField(key: "no_show_changed_at") var noShowChangedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, studentID: UUID, type: String, consultationDate: Date, duration: Int,
         topic: String = "", notes: String = "", followUpNotes: String = "", status: ConsultationStatus = .scheduled) {
        self.id = id
        self.$student.id = studentID
        self.type = type
        self.consultationDate = consultationDate
        self.duration = duration
        self.endDate = consultationDate.addingTimeInterval(TimeInterval(duration * 60))
        self.topic = topic
        self.notes = notes
        self.followUpNotes = followUpNotes
        self.status = status
    }
}

enum ConsultationStatus: String, Codable, CaseIterable, Sendable {
    case scheduled, completed, canceled, rescheduled
    case noShow = "no_show"
}

extension Consultation {
    var questionsAndAnswers: [QuestionAndAnswer]? {
        get { QuestionAndAnswer.list(fromJSON: questionsAndAnswersJSON) }
        set { questionsAndAnswersJSON = QuestionAndAnswer.json(of: newValue) }
    }
}

/// One answer from the Calendly booking form.
struct QuestionAndAnswer: Codable, Sendable, Equatable {
    var question: String
    var answer: String
    var position: Int

    /// The answers as the `questions_and_answers` column keeps them: one JSON document.
    static func list(fromJSON json: String?) -> [QuestionAndAnswer]? {
        json.flatMap { try? JSONDecoder().decode([QuestionAndAnswer].self, from: Data($0.utf8)) }
    }

    static func json(of list: [QuestionAndAnswer]?) -> String? {
        list.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
    }
}
