import Foundation

/// A list of consultations with the words to show when it is empty.
struct ConsultationTable: Encodable {
    var rows: [ConsultationRow]
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
struct ConsultationRow: Encodable {
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

    init(_ consultation: Consultation, student: Student, time: TimeDisplay) {
        let id = consultation.id ?? UUID()
        let studentID = student.id ?? UUID()
        self.id = id.uuidString
        self.link = AppRoute.consultation(id).path
        self.studentName = student.name
        self.studentLink = AppRoute.student(studentID).path
        self.type = consultation.type
        self.when = time.format(consultation.consultationDate)
        self.duration = consultation.duration
        self.topic = consultation.topic
        self.status = consultation.status.rawValue
        self.statusLabel = consultation.status.label
        self.joinURL = consultation.joinURL.flatMap(SafeLink.http)
    }
}

extension ConsultationRow {
    init(_ r: ConsultationRecord, time: TimeDisplay) {
        self.id = r.id.uuidString
        self.link = AppRoute.consultation(r.id).path
        self.studentName = r.studentName
        self.studentLink = AppRoute.student(r.studentID).path
        self.type = r.type
        self.when = time.format(r.consultationDate)
        self.duration = r.duration
        self.topic = r.topic
        self.status = r.status.rawValue
        self.statusLabel = r.status.label
        self.joinURL = r.joinURL.flatMap(SafeLink.http)
    }
}

extension ConsultationStatus {
    var label: String {
        switch self {
        case .scheduled: "Scheduled"
        case .completed: "Completed"
        case .canceled: "Canceled"
        case .rescheduled: "Rescheduled"
        case .noShow: "No-show"
        }
    }
}

/// Links that came from outside (Calendly) are shown only when they are plain http(s) URLs,
/// so a `javascript:` URL in a payload can never become a clickable link.
enum SafeLink {
    static func http(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            return nil
        }
        return text
    }
}
