import Foundation

/// A list of consultations with the words to show when it is empty.
struct ConsultationTable: Encodable {
    var rows: [ConsultationListItem]
    var emptyText: String
    var isEmpty: Bool { rows.isEmpty }

    enum CodingKeys: String, CodingKey { case rows, emptyText, isEmpty }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(emptyText, forKey: .emptyText)
        try container.encode(isEmpty, forKey: .isEmpty)
    }
}

/// One consultation as lists on the pages show it.
struct ConsultationListItem: Encodable {
    var id: String
    var link: String
    var studentName: String
    var studentLink: String
    var type: String
    var when: String
    var duration: Int
    var topic: String
    var status: String
    var statusLabel: String
    var joinURL: String?
    /// A meeting still to come links to its brief.
    var briefLink: String?
    /// "booked by you", "unconfirmed", "moved" (`BookingTags`).
    var tags: [String]

    init(_ consultation: Consultation, student: Student, time: TimeDisplay, ownerUserURI: String?) {
        self.init(id: consultation.id ?? UUID(), studentID: student.id ?? UUID(), studentName: student.name,
                  type: consultation.type, startsAt: consultation.consultationDate, duration: consultation.duration,
                  topic: consultation.topic, status: consultation.status, joinURL: consultation.joinURL, time: time,
                  moved: consultation.moved,
                  tags: BookingTags.of(scheduledBy: consultation.inviteeScheduledBy, ownerUserURI: ownerUserURI,
                                       unconfirmed: consultation.isUnconfirmed,
                                       moved: consultation.moved, status: consultation.status))
    }

    init(_ r: ConsultationRow.WithStudent, time: TimeDisplay, ownerUserURI: String?) {
        self.init(id: r.id, studentID: r.studentID, studentName: r.studentName, type: r.type, startsAt: r.consultationDate,
                  duration: r.duration, topic: r.topic, status: r.status, joinURL: r.joinURL, time: time, moved: r.moved,
                  tags: BookingTags.of(scheduledBy: r.inviteeScheduledBy, ownerUserURI: ownerUserURI,
                                       unconfirmed: r.isUnconfirmed, moved: r.moved, status: r.status))
    }

    private init(id: UUID, studentID: UUID, studentName: String, type: String, startsAt: Date, duration: Int,
                 topic: String, status: ConsultationStatus, joinURL: String?, time: TimeDisplay, moved: Bool, tags: [String]) {
        self.tags = tags
        self.id = id.uuidString
        self.link = AppRoute.consultation(id).path
        self.studentName = studentName
        self.studentLink = AppRoute.student(studentID).path
        self.type = type
        self.when = time.format(startsAt)
        self.duration = duration
        self.topic = topic
        self.status = status.rawValue
        self.statusLabel = BookingTags.statusLabel(status, moved: moved)
        self.joinURL = joinURL.flatMap(SafeLink.http)
        self.briefLink = status == .scheduled && startsAt > Date() ? AppRoute.consultation(id).path + "#brief" : nil
    }
}

extension ConsultationStatus {
    var label: String {
        switch self {
        case .scheduled: "Scheduled"
        case .completed: "Held"
        case .canceled: "Canceled"
        case .rescheduled: "Rescheduled"
        case .noShow: "No-show"
        }
    }
}
