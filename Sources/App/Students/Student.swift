import Fluent
import Foundation

/// Someone the owner meets. Email is stored lower-cased so look-ups compare case-insensitively.
///
/// The Fluent model over `StudentRow`'s table; its field keys are `StudentRow.Column`'s names.
final class Student: Model, @unchecked Sendable {
    typealias Column = StudentRow.Column

    static let schema = StudentRow.table

    @ID(key: .id) var id: UUID?
    @Field(key: Column.name.field) var name: String
    @Field(key: Column.email.field) var email: String
    @Field(key: Column.phone.field) var phone: String
    @Field(key: Column.notes.field) var notes: String
    @Field(key: Column.source.field) var source: StudentSource
    @OptionalField(key: Column.archivedAt.field) var archivedAt: Date?
    @Timestamp(key: Column.createdAt.field, on: .create) var createdAt: Date?
    @Timestamp(key: Column.updatedAt.field, on: .update) var updatedAt: Date?
    @OptionalField(key: Column.timeZone.field) var timeZone: String?

    @Children(for: \.$student) var consultations: [Consultation]

    init() {}

    init(id: UUID? = nil, name: String, email: String = "", phone: String = "", notes: String = "", source: StudentSource = .manual) {
        self.id = id
        self.name = name
        self.email = FieldRules.normalizedEmail(email)
        self.phone = phone
        self.notes = notes
        self.source = source
    }
}
