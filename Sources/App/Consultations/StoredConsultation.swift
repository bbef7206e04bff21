import Foundation
import SQLKit

/// A consultation row as a value type, read and written with SQLKit.
///
/// The paths that run most (applying every webhook delivery, the lists read on every Calendar
/// page) use this: there, Fluent's per-model reflection cost more than the statements themselves.
/// The rest of the app uses the `Consultation` model over the same table.
struct StoredConsultation: Codable, Equatable, Sendable {
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
    var questionsAndAnswersJSON: String?
    var inviteeTimezone: String?
    var calendlyUpdatedAt: Date?
    /// Calendly's no-show mark as last seen, and when: toggles apply only if newer (nil: never said).
    var calendlyNoShow: Bool?
    var noShowChangedAt: Date?
    var createdAt: Date?
    var updatedAt: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, duration, notes, topic, status, location
        case studentID = "student_id", consultationDate = "consultation_date", followUpNotes = "follow_up_notes"
        case endDate = "end_date", joinURL = "join_url", calendlyEventURI = "calendly_event_uri"
        case calendlyInviteeURI = "calendly_invitee_uri", calendlyEventTypeURI = "calendly_event_type_uri"
        case cancelURL = "cancel_url", rescheduleURL = "reschedule_url", cancelReason = "cancel_reason"
        case canceledBy = "canceled_by", canceledAt = "canceled_at"
        case rescheduledFromID = "rescheduled_from_id", rescheduledToID = "rescheduled_to_id"
        case questionsAndAnswersJSON = "questions_and_answers", inviteeTimezone = "invitee_timezone"
        case calendlyUpdatedAt = "calendly_updated_at", calendlyNoShow = "calendly_no_show"
        case noShowChangedAt = "no_show_changed_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    /// A new booking's row, before Calendly's data is copied in.
    init(id: UUID = UUID(), studentID: UUID, inviteeURI: String, type: String, topic: String, startsAt: Date) {
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

    var questionsAndAnswers: [QuestionAndAnswer]? {
        get { QuestionAndAnswer.list(fromJSON: questionsAndAnswersJSON) }
        set { questionsAndAnswersJSON = QuestionAndAnswer.json(of: newValue) }
    }
}

extension StoredConsultation {
    private static let table = Consultation.schema
    private static let columns: [any SQLExpression] = CodingKeys.allCases.map { SQLColumn($0.rawValue) }

    static func find(inviteeURIs: [String], on sql: any SQLDatabase) async throws -> [StoredConsultation] {
        try await sql.select().columns(columns).from(table)
            .where(SQLColumn(CodingKeys.calendlyInviteeURI.rawValue), .in, SQLBind.group(inviteeURIs))
            .all(decoding: StoredConsultation.self)
    }

    /// Writes the columns that differ from `stored` (the row as read), and `updated_at`. Columns
    /// this change did not touch are left alone, so an edit the owner saved meanwhile (notes,
    /// topic, status) is kept. A value Calendly no longer sends becomes NULL.
    mutating func update(on sql: any SQLDatabase, changedFrom stored: StoredConsultation, now: Date = Date()) async throws {
        updatedAt = now
        let update = sql.update(Self.table)
        for column in Self.writableColumns where column.differs(self, stored) {
            update.set(SQLColumn(column.key.rawValue), to: SQLBind(column.value(self)))
        }
        try await update.set(SQLColumn(CodingKeys.updatedAt.rawValue), to: SQLBind(now))
            .where(SQLColumn(CodingKeys.id.rawValue), .equal, SQLBind(id)).run()
    }

    /// A column an update may write: its name, its value, and whether two rows differ in it.
    private struct Column: Sendable {
        let key: CodingKeys
        let value: @Sendable (StoredConsultation) -> any Encodable & Sendable
        let differs: @Sendable (StoredConsultation, StoredConsultation) -> Bool

        init<Value: Equatable & Encodable & Sendable>(_ key: CodingKeys, _ read: @escaping @Sendable (StoredConsultation) -> Value) {
            self.key = key
            value = read
            differs = { read($0) != read($1) }
        }
    }

    /// Every column but `id`, `created_at` and `updated_at`.
    private static let writableColumns: [Column] = [
        Column(.studentID, \.studentID), Column(.type, \.type), Column(.consultationDate, \.consultationDate),
        Column(.duration, \.duration), Column(.notes, \.notes), Column(.topic, \.topic), Column(.followUpNotes, \.followUpNotes),
        Column(.status, \.status), Column(.endDate, \.endDate), Column(.location, \.location), Column(.joinURL, \.joinURL),
        Column(.calendlyEventURI, \.calendlyEventURI), Column(.calendlyInviteeURI, \.calendlyInviteeURI),
        Column(.calendlyEventTypeURI, \.calendlyEventTypeURI), Column(.cancelURL, \.cancelURL),
        Column(.rescheduleURL, \.rescheduleURL), Column(.cancelReason, \.cancelReason), Column(.canceledBy, \.canceledBy),
        Column(.canceledAt, \.canceledAt), Column(.rescheduledFromID, \.rescheduledFromID),
        Column(.rescheduledToID, \.rescheduledToID), Column(.questionsAndAnswersJSON, \.questionsAndAnswersJSON),
        Column(.inviteeTimezone, \.inviteeTimezone), Column(.calendlyUpdatedAt, \.calendlyUpdatedAt),
        Column(.calendlyNoShow, \.calendlyNoShow), Column(.noShowChangedAt, \.noShowChangedAt),
    ]
}
