import Foundation
import Vapor

/// A consultation as the API shows it: every column, plus the student's name and email.
struct ConsultationResponse: Content {
    var id: UUID
    var studentID: UUID
    var studentName: String
    var studentEmail: String
    var type: String
    var consultationDate: Date
    @NullEncoded var endDate: Date?
    var duration: Int
    var notes: String
    var topic: String
    var followUpNotes: String
    var status: ConsultationStatus
    @NullEncoded var location: String?
    @NullEncoded var joinURL: String?
    @NullEncoded var calendlyEventURI: String?
    @NullEncoded var calendlyInviteeURI: String?
    @NullEncoded var calendlyEventTypeURI: String?
    @NullEncoded var cancelURL: String?
    @NullEncoded var rescheduleURL: String?
    @NullEncoded var cancelReason: String?
    @NullEncoded var canceledBy: String?
    @NullEncoded var canceledAt: Date?
    @NullEncoded var rescheduledFromID: UUID?
    @NullEncoded var rescheduledToID: UUID?
    var questionsAndAnswers: [QuestionAndAnswer]
    @NullEncoded var inviteeTimezone: String?
    @NullEncoded var calendlyUpdatedAt: Date?
    @NullEncoded var createdAt: Date?
    @NullEncoded var updatedAt: Date?
    @NullEncoded var schedulingMethod: String?
    @NullEncoded var inviteeScheduledBy: String?
    @NullEncoded var reconfirmationRequestedAt: Date?
    @NullEncoded var reconfirmedAt: Date?
    /// Why the owner's no-show change has not reached Calendly yet (retried by the next sync).
    @NullEncoded var noShowSendError: String?
    var moved: Bool
    /// The follow-ups agreed in this meeting (see `withFollowUps`).
    var followUps: [FollowUpResponse] = []

    /// Spelled out (not left to the encoder's snake_case conversion) so hot lists can be encoded
    /// without converting every key of every row.
    enum CodingKeys: String, CodingKey {
        case id, type, duration, notes, topic, status, location
        case studentID = "student_id", studentName = "student_name", studentEmail = "student_email"
        case consultationDate = "consultation_date", endDate = "end_date", followUpNotes = "follow_up_notes"
        case joinURL = "join_url", calendlyEventURI = "calendly_event_uri", calendlyInviteeURI = "calendly_invitee_uri"
        case calendlyEventTypeURI = "calendly_event_type_uri", cancelURL = "cancel_url", rescheduleURL = "reschedule_url"
        case cancelReason = "cancel_reason", canceledBy = "canceled_by", canceledAt = "canceled_at"
        case rescheduledFromID = "rescheduled_from_id", rescheduledToID = "rescheduled_to_id"
        case questionsAndAnswers = "questions_and_answers", inviteeTimezone = "invitee_timezone"
        case calendlyUpdatedAt = "calendly_updated_at", createdAt = "created_at", updatedAt = "updated_at"
        case followUps = "follow_ups"
        case schedulingMethod = "scheduling_method", inviteeScheduledBy = "invitee_scheduled_by"
        case reconfirmationRequestedAt = "reconfirmation_requested_at", reconfirmedAt = "reconfirmed_at"
        case noShowSendError = "no_show_send_error", moved
    }

    /// `student` must be the consultation's own student (loaded with `.with(\.$student)` or passed in).
    init(_ consultation: Consultation, student: Student) throws {
        id = try consultation.requireID()
        studentID = try student.requireID()
        studentName = student.name
        studentEmail = student.email
        type = consultation.type
        consultationDate = consultation.consultationDate
        endDate = consultation.endDate
        duration = consultation.duration
        notes = consultation.notes
        topic = consultation.topic
        followUpNotes = consultation.followUpNotes
        status = consultation.status
        location = consultation.location
        joinURL = consultation.joinURL
        calendlyEventURI = consultation.calendlyEventURI
        calendlyInviteeURI = consultation.calendlyInviteeURI
        calendlyEventTypeURI = consultation.calendlyEventTypeURI
        cancelURL = consultation.cancelURL
        rescheduleURL = consultation.rescheduleURL
        cancelReason = consultation.cancelReason
        canceledBy = consultation.canceledBy
        canceledAt = consultation.canceledAt
        rescheduledFromID = consultation.rescheduledFromID
        rescheduledToID = consultation.rescheduledToID
        questionsAndAnswers = consultation.questionsAndAnswers ?? []
        inviteeTimezone = consultation.inviteeTimezone
        calendlyUpdatedAt = consultation.calendlyUpdatedAt
        createdAt = consultation.createdAt
        updatedAt = consultation.updatedAt
        schedulingMethod = consultation.schedulingMethod
        inviteeScheduledBy = consultation.inviteeScheduledBy
        reconfirmationRequestedAt = consultation.reconfirmationRequestedAt
        reconfirmedAt = consultation.reconfirmedAt
        noShowSendError = consultation.noShowSendError
        moved = consultation.moved
    }

    init(_ consultation: Consultation) throws {
        try self.init(consultation, student: consultation.student)
    }

    init(_ r: ConsultationRow.WithStudent) {
        id = r.id
        studentID = r.studentID
        studentName = r.studentName
        studentEmail = r.studentEmail
        type = r.type
        consultationDate = r.consultationDate
        endDate = r.endDate
        duration = r.duration
        notes = r.notes
        topic = r.topic
        followUpNotes = r.followUpNotes
        status = r.status
        location = r.location
        joinURL = r.joinURL
        calendlyEventURI = r.calendlyEventURI
        calendlyInviteeURI = r.calendlyInviteeURI
        calendlyEventTypeURI = r.calendlyEventTypeURI
        cancelURL = r.cancelURL
        rescheduleURL = r.rescheduleURL
        cancelReason = r.cancelReason
        canceledBy = r.canceledBy
        canceledAt = r.canceledAt
        rescheduledFromID = r.rescheduledFromID
        rescheduledToID = r.rescheduledToID
        questionsAndAnswers = r.questionsAndAnswers
        inviteeTimezone = r.inviteeTimezone
        calendlyUpdatedAt = r.calendlyUpdatedAt
        createdAt = r.createdAt
        updatedAt = r.updatedAt
        schedulingMethod = r.schedulingMethod
        inviteeScheduledBy = r.inviteeScheduledBy
        reconfirmationRequestedAt = r.reconfirmationRequestedAt
        reconfirmedAt = r.reconfirmedAt
        noShowSendError = r.noShowSendError
        moved = r.moved
    }
}

struct ConsultationListResponse: Content {
    var consultations: [ConsultationResponse]
    var total: Int
}

/// `POST /api/consultations`: a consultation entered by hand.
struct ConsultationCreateRequest: Content {
    var studentID: UUID
    var type: String
    var consultationDate: Date
    var duration: Int
    var topic: String?
    var notes: String?
    var followUpNotes: String?
    var status: String?

    enum CodingKeys: String, CodingKey {
        case studentID = "student_id", type, consultationDate = "consultation_date", duration, topic, notes
        case followUpNotes = "follow_up_notes", status
    }
}

/// `PATCH /api/consultations/{id}`: only the fields sent change.
struct ConsultationUpdateRequest: Content {
    var type: String?
    var topic: String?
    var notes: String?
    var followUpNotes: String?
    var status: String?

    enum CodingKeys: String, CodingKey {
        case type, topic, notes, followUpNotes = "follow_up_notes", status
    }
}
