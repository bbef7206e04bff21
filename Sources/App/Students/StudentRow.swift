import Foundation
import SQLKit

/// A `students` row as a value: the one place the table's columns are named for Swift.
///
/// A booking from an unknown invitee makes a student on the webhook's hot path, which writes this
/// row with SQLKit (`StudentRow+SQL.swift`); the `Student` model takes its field keys from `Column`
/// and serves the pages and the API. `SchemaAgreementTests` checks `Column` against the migration,
/// the model, the API's JSON and `Resources/openapi.json`.
struct StudentRow: Codable, Equatable, Sendable {
    var id: UUID
    var name: String
    var email: String
    var phone = ""
    var notes = ""
    var source = StudentSource.calendly
    var createdAt: Date
    var updatedAt: Date
    var archivedAt: Date?

    static let table = "students"

    /// The column names, in the order the migrations made them.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, email, phone, notes, source, createdAt = "created_at", updatedAt = "updated_at"
        case archivedAt = "archived_at"
    }
    typealias Column = CodingKeys
}
