import Fluent
import Foundation

/// Someone the owner meets. Email is stored lower-cased so look-ups compare case-insensitively.
final class Student: Model, @unchecked Sendable {
    static let schema = "students"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String
    @Field(key: "notes") var notes: String
    @Field(key: "source") var source: StudentSource
    @OptionalField(key: "archived_at") var archivedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Children(for: \.$student) var consultations: [Consultation]

    init() {}

    init(id: UUID? = nil, name: String, email: String = "", phone: String = "", notes: String = "", source: StudentSource = .manual) {
        self.id = id
        self.name = name
        self.email = Student.normalizedEmail(email)
        self.phone = phone
        self.notes = notes
        self.source = source
    }

    static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

enum StudentSource: String, Codable, CaseIterable, Sendable {
    case manual, calendly, `import`
}
