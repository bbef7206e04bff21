import Fluent
import Foundation

/// Something promised at a meeting (SPEC 10): by the mentor or the student, perhaps by a date.
/// Its own table's one row type: no hot path writes it in bulk, so the Fluent model serves.
final class FollowUp: Model, @unchecked Sendable {
    static let schema = "follow_ups"

    @ID(key: .id) var id: UUID?
    @Parent(key: "student_id") var student: Student
    @OptionalParent(key: "consultation_id") var consultation: Consultation?
    @Field(key: "text") var text: String
    @Field(key: "owner") var owner: FollowUpOwner
    /// A calendar date, `YYYY-MM-DD`: "by Friday" means Friday wherever the owner is.
    @OptionalField(key: "due_on") var dueOn: String?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(studentID: UUID, consultationID: UUID?, text: String, owner: FollowUpOwner, dueOn: String?) {
        self.$student.id = studentID
        self.$consultation.id = consultationID
        self.text = text
        self.owner = owner
        self.dueOn = dueOn
    }

    var isOpen: Bool { doneAt == nil }
}

/// Who promised.
enum FollowUpOwner: String, Codable, CaseIterable, Sendable {
    case mentor, student

    var label: String {
        switch self {
        case .mentor: "You"
        case .student: "Student"
        }
    }
}

/// Which follow-ups a list shows.
enum FollowUpState: String, CaseIterable, Sendable {
    case open, done, all
}
