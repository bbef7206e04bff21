import Foundation
import SQLKit

/// A `students` row as a value: the one place the table's columns are named for Swift.
///
/// A booking from an unknown invitee makes a student on the webhook's hot path, which writes this
/// row with SQLKit (below); the `Student` model takes its field keys from `Column`
/// and serves the pages and the API. `SchemaAgreementTests` checks `Column` against the migration,
/// the model, the API's JSON and `Resources/openapi.json`.
struct StudentRow: Codable, Equatable, Sendable {
    var id: UUID
    var name: String
    var email: String
    var phone = ""
    var notes = ""
    var source = StudentSource.calendly
    var archivedAt: Date?
    var createdAt: Date
    var updatedAt: Date
    /// IANA name: what a booking made for the student is sent with. Filled from their latest
    /// Calendly booking while empty; the owner may change it.
    var timeZone: String?

    static let table = "students"

    /// The column names, in the order the migrations made them.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, email, phone, notes, source, archivedAt = "archived_at"
        case createdAt = "created_at", updatedAt = "updated_at", timeZone = "time_zone"
    }
    typealias Column = CodingKeys
}

// MARK: - Statements

/// Every statement on `students` that applying a booking runs, written with SQLKit over `Column`.
extension StudentRow {
    /// A new student is never archived, so `archived_at` is left to its NULL default.
    static func insert(_ rows: [StudentRow], on sql: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        try await sql.insert(into: table).models(rows).run()
    }

    /// The ids of the students with these emails, by email.
    static func ids(emails: [String], on sql: any SQLDatabase) async throws -> [String: UUID] {
        // `email <> ''` lets SQLite use the partial unique index instead of scanning the table.
        let rows = try await sql.select().columns(Column.id.rawValue, Column.email.rawValue).from(table)
            .where(SQLColumn(Column.email.rawValue), .in, SQLBind.group(emails))
            .where(SQLColumn(Column.email.rawValue), .notEqual, SQLLiteral.string(""))
            .all(decoding: IDAndEmail.self)
        return Dictionary(rows.map { ($0.email, $0.id) }, uniquingKeysWith: { _, last in last })
    }

    /// Which of `ids` exist.
    static func existing(ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID] {
        try await sql.select().column(Column.id.rawValue).from(table)
            .where(SQLColumn(Column.id.rawValue), .in, SQLBind.group(ids))
            .all(decodingColumn: Column.id.rawValue, as: UUID.self)
    }

    /// Gives the student `zone` unless they already have one: the latest booking's zone, kept
    /// until the owner changes it.
    static func fillTimeZone(_ zone: String, of id: UUID, on sql: any SQLDatabase) async throws {
        try await sql.update(table).set(SQLColumn(Column.timeZone.rawValue), to: SQLBind(zone))
            .where(SQLColumn(Column.id.rawValue), .equal, SQLBind(id))
            .where { $0.where(SQLColumn(Column.timeZone.rawValue), .is, SQLLiteral.null)
                .orWhere(SQLColumn(Column.timeZone.rawValue), .equal, SQLLiteral.string("")) }
            .run()
    }

    static func source(of id: UUID, on sql: any SQLDatabase) async throws -> StudentSource? {
        try await sql.select().column(Column.source.rawValue).from(table)
            .where(SQLColumn(Column.id.rawValue), .equal, SQLBind(id))
            .first(decodingColumn: Column.source.rawValue, as: String.self)
            .flatMap(StudentSource.init(rawValue:))
    }

    static func delete(id: UUID, on sql: any SQLDatabase) async throws {
        try await sql.delete(from: table).where(SQLColumn(Column.id.rawValue), .equal, SQLBind(id)).run()
    }

    private struct IDAndEmail: Decodable {
        var id: UUID
        var email: String
    }
}

// MARK: - Column values

/// Where a student came from.
enum StudentSource: String, Codable, CaseIterable, Sendable {
    case manual, calendly, `import`
}
