import Foundation
import Vapor

/// A student as the API shows it.
struct StudentResponse: Content {
    var id: UUID
    var name: String
    var email: String
    var phone: String
    var notes: String
    var source: StudentSource
    @NullEncoded var archivedAt: Date?
    @NullEncoded var createdAt: Date?
    @NullEncoded var updatedAt: Date?
    @NullEncoded var timeZone: String?
    /// Present only when one student is read by id.
    var consultations: [ConsultationResponse]?
    /// Present only when one student is read by id: what is still to be done, soonest due first.
    var openFollowUps: [FollowUpResponse]?

    /// Spelled out, so `PlainJSON` (which converts no keys) writes the same JSON as the app's encoder.
    enum CodingKeys: String, CodingKey {
        case id, name, email, phone, notes, source, archivedAt = "archived_at", createdAt = "created_at", updatedAt = "updated_at"
        case timeZone = "time_zone", consultations, openFollowUps = "open_follow_ups"
    }

    init(_ student: Student, consultations: [ConsultationResponse]? = nil) throws {
        self.id = try student.requireID()
        self.name = student.name
        self.email = student.email
        self.phone = student.phone
        self.notes = student.notes
        self.source = student.source
        self.archivedAt = student.archivedAt
        self.createdAt = student.createdAt
        self.updatedAt = student.updatedAt
        self.timeZone = student.timeZone
        self.consultations = consultations
    }
}

struct StudentListResponse: Content {
    var students: [StudentResponse]
    var total: Int
}

/// `POST /api/students`.
struct StudentCreateRequest: Content {
    var name: String
    var email: String?
    var phone: String?
    var notes: String?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case name, email, phone, notes, timeZone = "time_zone"
    }
}

/// `PATCH /api/students/{id}`: only the fields sent change.
struct StudentUpdateRequest: Content {
    var name: String?
    var email: String?
    var phone: String?
    var notes: String?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case name, email, phone, notes, timeZone = "time_zone"
    }
}
