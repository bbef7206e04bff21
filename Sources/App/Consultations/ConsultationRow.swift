import Foundation

/// A `consultations` row as a value: the one place the table's columns are named for Swift.
///
/// The paths that run most (applying every webhook delivery, the lists read on every Calendar
/// page and API poll) read and write it with SQLKit (`ConsultationRow+SQL.swift`): there, Fluent's
/// per-model reflection cost more than the statements themselves. The `Consultation` model takes
/// its field keys from `Column`, and stays for the owner's edits and lists, where its student
/// relation pays for itself. `SchemaAgreementTests` checks `Column` against the migration, the
/// model, the API's JSON and `Resources/openapi.json`.
struct ConsultationRow: Codable, Equatable, Sendable {
    var id: UUID
    var studentID: UUID
    var type: String
    var consultationDate: Date
    var duration: Int
    var notes: String
    var topic: String
    var followUpNotes: String
    var status: ConsultationStatus
    var endDate: Date?
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
    /// The booking form's answers as one JSON document. Kept as text: Fluent would bind a Swift
    /// array as a PostgreSQL array (`jsonb[]`), not as one JSON value.
    var questionsAndAnswersJSON: String?
    var inviteeTimezone: String?
    var calendlyUpdatedAt: Date?
    /// Calendly's no-show mark as last seen, and when: toggles apply only if newer (nil: never said).
    var calendlyNoShow: Bool?
    var noShowChangedAt: Date?
    var createdAt: Date?
    var updatedAt: Date?
    /// How Calendly says it was booked: `instant_book` when through the Scheduling API, else nil.
    var schedulingMethod: String?
    /// The Calendly user who booked on the invitee's behalf (the owner, when booked from the CRM).
    var inviteeScheduledBy: String?
    /// When the host asked the invitee to reconfirm, and when they did: unconfirmed in between.
    var reconfirmationRequestedAt: Date?
    var reconfirmedAt: Date?
    /// Calendly's no-show mark on this invitee as last known (its URI), to delete it by.
    var noShowMarkURI: String?
    /// The CRM's own last action on the mark, `created <uri>` or `deleted <uri>`: Calendly's
    /// webhook for that same action is its echo and changes nothing.
    var noShowSent: String?
    /// Why the owner's no-show change has not reached Calendly yet; nil once it has (or if none).
    var noShowSendError: String?
    /// A reschedule that kept the start time: Calendly sends a location change so.
    var moved = false

    static let table = "consultations"

    /// The column names, in the order the migrations made them.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case studentID = "student_id", type, consultationDate = "consultation_date", duration, notes, topic
        case followUpNotes = "follow_up_notes", status
        case endDate = "end_date", location, joinURL = "join_url", calendlyEventURI = "calendly_event_uri"
        case calendlyInviteeURI = "calendly_invitee_uri", calendlyEventTypeURI = "calendly_event_type_uri"
        case cancelURL = "cancel_url", rescheduleURL = "reschedule_url", cancelReason = "cancel_reason"
        case canceledBy = "canceled_by", canceledAt = "canceled_at"
        case rescheduledFromID = "rescheduled_from_id", rescheduledToID = "rescheduled_to_id"
        case questionsAndAnswersJSON = "questions_and_answers", inviteeTimezone = "invitee_timezone"
        case calendlyUpdatedAt = "calendly_updated_at", calendlyNoShow = "calendly_no_show"
        case noShowChangedAt = "no_show_changed_at", createdAt = "created_at", updatedAt = "updated_at"
        case schedulingMethod = "scheduling_method", inviteeScheduledBy = "invitee_scheduled_by"
        case reconfirmationRequestedAt = "reconfirmation_requested_at", reconfirmedAt = "reconfirmed_at"
        case noShowMarkURI = "no_show_mark_uri", noShowSent = "no_show_sent", noShowSendError = "no_show_send_error"
        case moved
    }
    typealias Column = CodingKeys

    /// A new booking's row, before Calendly's data is copied in.
    init(id: UUID = TimeOrderedID.make(), studentID: UUID, inviteeURI: String, type: String, topic: String, startsAt: Date) {
        self.id = id
        self.studentID = studentID
        self.calendlyInviteeURI = inviteeURI
        self.type = type
        self.topic = topic
        self.consultationDate = startsAt
        self.duration = 1
        self.notes = ""
        self.followUpNotes = ""
        self.status = .scheduled
    }

    /// The host asked the invitee to reconfirm and they have not yet.
    var isUnconfirmed: Bool { reconfirmationRequestedAt != nil && reconfirmedAt == nil }

    var questionsAndAnswers: [QuestionAndAnswer]? {
        get { QuestionAndAnswer.list(fromJSON: questionsAndAnswersJSON) }
        set { questionsAndAnswersJSON = QuestionAndAnswer.json(of: newValue) }
    }

    /// A consultation row joined with its student's name and email, as the upcoming lists read it.
    @dynamicMemberLookup
    struct WithStudent: Decodable, Sendable {
        var consultation: ConsultationRow
        var studentName: String
        var studentEmail: String

        enum StudentKeys: String, CodingKey {
            case studentName = "student_name", studentEmail = "student_email"
        }

        init(from decoder: any Decoder) throws {
            consultation = try ConsultationRow(from: decoder)
            let student = try decoder.container(keyedBy: StudentKeys.self)
            studentName = try student.decode(String.self, forKey: .studentName)
            studentEmail = try student.decode(String.self, forKey: .studentEmail)
        }

        subscript<Value>(dynamicMember keyPath: KeyPath<ConsultationRow, Value>) -> Value {
            consultation[keyPath: keyPath]
        }

        var questionsAndAnswers: [QuestionAndAnswer] {
            consultation.questionsAndAnswers ?? []
        }
    }
}

// MARK: - Column values

enum ConsultationStatus: String, Codable, CaseIterable, Sendable {
    case scheduled, completed, canceled, rescheduled
    case noShow = "no_show"
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
