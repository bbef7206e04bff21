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

    /// The students with these emails: id, email, and whether they have a time zone.
    static func found(emails: [String], on sql: any SQLDatabase) async throws -> [Found] {
        // `email <> ''` lets SQLite use the partial unique index instead of scanning the table.
        try await sql.select().columns(Found.columns).from(table)
            .where(SQLColumn(Column.email.rawValue), .in, SQLBind.group(emails))
            .where(SQLColumn(Column.email.rawValue), .notEqual, SQLLiteral.string(""))
            .all(decoding: Found.self)
    }

    /// Which of `ids` exist, with their emails and whether they have a time zone.
    static func found(ids: [UUID], on sql: any SQLDatabase) async throws -> [Found] {
        try await sql.select().columns(Found.columns).from(table)
            .where(SQLColumn(Column.id.rawValue), .in, SQLBind.group(ids))
            .all(decoding: Found.self)
    }

    /// Gives each student their booking's zone unless they already have one, in one statement.
    static func fillTimeZones(_ zones: [UUID: String], on sql: any SQLDatabase) async throws {
        guard !zones.isEmpty else { return }
        let column = SQLColumn(Column.timeZone.rawValue), id = SQLColumn(Column.id.rawValue)
        let cases = SQLList(zones.map { SQLList([SQLRaw("WHEN"), SQLBind($0.key), SQLRaw("THEN"), SQLBind($0.value)], separator: SQLRaw(" ")) },
                            separator: SQLRaw(" "))
        try await sql.update(table)
            .set(column, to: SQLList([SQLRaw("CASE"), id, cases, SQLRaw("END")], separator: SQLRaw(" ")))
            .where(id, .in, SQLBind.group(Array(zones.keys)))
            .where { $0.where(column, .is, SQLLiteral.null).orWhere(column, .equal, SQLLiteral.string("")) }
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

    struct Found: Decodable {
        var id: UUID
        var email: String
        var timeZone: String?

        var hasTimeZone: Bool { !(timeZone ?? "").isEmpty }

        static let columns: [any SQLExpression] = [Column.id, .email, .timeZone].map { SQLColumn($0.rawValue) }

        enum CodingKeys: String, CodingKey {
            case id, email, timeZone = "time_zone"
        }
    }
}

// MARK: - Column values

/// Where a student came from.
enum StudentSource: String, Codable, CaseIterable, Sendable {
    case manual, calendly, `import`
}
