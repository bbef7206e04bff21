import Fluent
import Foundation

/// One meeting with a student: made by hand, or recorded from a Calendly booking.
///
/// The Fluent model over `ConsultationRow`'s table, for the owner's edits and the lists that load
/// each consultation's student; its field keys are `ConsultationRow.Column`'s names.
final class Consultation: Model, @unchecked Sendable {
    typealias Column = ConsultationRow.Column

    static let schema = ConsultationRow.table

    @ID(key: .id) var id: UUID?
    @Parent(key: Column.studentID.field) var student: Student
    @Field(key: Column.type.field) var type: String
    @Field(key: Column.consultationDate.field) var consultationDate: Date
    @Field(key: Column.duration.field) var duration: Int
    @Field(key: Column.notes.field) var notes: String
    @Field(key: Column.topic.field) var topic: String
    @Field(key: Column.followUpNotes.field) var followUpNotes: String
    @Field(key: Column.status.field) var status: ConsultationStatus
    @OptionalField(key: Column.endDate.field) var endDate: Date?
    @OptionalField(key: Column.location.field) var location: String?
    @OptionalField(key: Column.joinURL.field) var joinURL: String?
    @OptionalField(key: Column.calendlyEventURI.field) var calendlyEventURI: String?
    @OptionalField(key: Column.calendlyInviteeURI.field) var calendlyInviteeURI: String?
    @OptionalField(key: Column.calendlyEventTypeURI.field) var calendlyEventTypeURI: String?
    @OptionalField(key: Column.cancelURL.field) var cancelURL: String?
    @OptionalField(key: Column.rescheduleURL.field) var rescheduleURL: String?
    @OptionalField(key: Column.cancelReason.field) var cancelReason: String?
    @OptionalField(key: Column.canceledBy.field) var canceledBy: String?
    @OptionalField(key: Column.canceledAt.field) var canceledAt: Date?
    @OptionalField(key: Column.rescheduledFromID.field) var rescheduledFromID: UUID?
    @OptionalField(key: Column.rescheduledToID.field) var rescheduledToID: UUID?
    /// The booking form's answers as one JSON document (see `ConsultationRow`).
    @OptionalField(key: Column.questionsAndAnswersJSON.field) var questionsAndAnswersJSON: String?
    @OptionalField(key: Column.inviteeTimezone.field) var inviteeTimezone: String?
    @OptionalField(key: Column.calendlyUpdatedAt.field) var calendlyUpdatedAt: Date?
    /// Calendly's no-show mark as last seen, and when: toggles apply only if newer (nil: never said).
    @OptionalField(key: Column.calendlyNoShow.field) var calendlyNoShow: Bool?
    @OptionalField(key: Column.noShowChangedAt.field) var noShowChangedAt: Date?
    @Timestamp(key: Column.createdAt.field, on: .create) var createdAt: Date?
    @Timestamp(key: Column.updatedAt.field, on: .update) var updatedAt: Date?
    @OptionalField(key: Column.schedulingMethod.field) var schedulingMethod: String?
    @OptionalField(key: Column.inviteeScheduledBy.field) var inviteeScheduledBy: String?
    @OptionalField(key: Column.reconfirmationRequestedAt.field) var reconfirmationRequestedAt: Date?
    @OptionalField(key: Column.reconfirmedAt.field) var reconfirmedAt: Date?
    /// The no-show mark's URI, the CRM's last action on it, and why that has not reached Calendly
    /// (see `ConsultationRow`).
    @OptionalField(key: Column.noShowMarkURI.field) var noShowMarkURI: String?
    @OptionalField(key: Column.noShowSent.field) var noShowSent: String?
    @OptionalField(key: Column.noShowSendError.field) var noShowSendError: String?
    @Field(key: Column.moved.field) var moved: Bool

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
        self.moved = false
    }
}

extension Consultation {
    /// The host asked the invitee to reconfirm and they have not yet (as `ConsultationRow.isUnconfirmed`).
    var isUnconfirmed: Bool { reconfirmationRequestedAt != nil && reconfirmedAt == nil }

    var questionsAndAnswers: [QuestionAndAnswer]? {
        get { QuestionAndAnswer.list(fromJSON: questionsAndAnswersJSON) }
        set { questionsAndAnswersJSON = QuestionAndAnswer.json(of: newValue) }
    }
}
