import Foundation
import PostgresNIO
import SQLiteKit
import SQLKit

/// The columns `SearchSources` reads from a row, by name and type: a row from Fluent (indexing
/// reads its records there) or the current row of a search's statement (`SQLiteReadRow`).
protocol SearchColumns {
    func text(_ column: String) throws -> String
    func optionalText(_ column: String) throws -> String?
    func id(_ column: String) throws -> UUID
    func optionalID(_ column: String) throws -> UUID?
    func optionalDate(_ column: String) throws -> Date?
}

extension SearchColumns {
    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw SearchColumnError(column: column, expected: "a date") }
        return date
    }
}

struct SearchColumnError: Error, CustomStringConvertible {
    let column: String
    let expected: String
    var description: String { "The column \(column) does not hold \(expected)" }
}

/// A Fluent row's columns, read by its decoder.
struct SQLRowColumns: SearchColumns {
    let row: any SQLRow

    func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
    func optionalText(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
    func id(_ column: String) throws -> UUID { try row.decode(column: column, as: UUID.self) }
    func optionalID(_ column: String) throws -> UUID? { try row.decode(column: column, as: UUID?.self) }
    func optionalDate(_ column: String) throws -> Date? { try row.decode(column: column, as: Date?.self) }
}

/// The current row of a statement stepped by `SQLiteReadConnection`, read in place: the values
/// sqlite-kit's decoder gives for the same stored values (text as UTF-8, UUIDs as text, dates as
/// seconds since 1970 rounded to microseconds as sqlite-nio rounds them), without copying every
/// column first. Text is read by its length, so a NUL inside it is kept.
struct SQLiteReadColumns: SearchColumns {
    let row: SQLiteReadRow
    /// Column positions by name, worked out once per statement.
    let positions: [String: Int32]

    static func positions(of row: SQLiteReadRow) -> [String: Int32] {
        var positions: [String: Int32] = [:]
        for column in 0..<row.columnCount where positions[row.name(column)] == nil {
            positions[row.name(column)] = column
        }
        return positions
    }

    func text(_ column: String) throws -> String {
        guard let text = row.text(try position(column)) else { throw SearchColumnError(column: column, expected: "text") }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        let position = try position(column)
        return row.isNull(position) ? nil : try text(column)
    }

    func id(_ column: String) throws -> UUID {
        guard let id = try optionalID(column) else { throw SearchColumnError(column: column, expected: "a UUID") }
        return id
    }

    func optionalID(_ column: String) throws -> UUID? {
        let position = try position(column)
        if row.isNull(position) { return nil }
        if let id = row.canonicalUUID(position) { return id }
        // Text in a spelling Foundation also reads (anything else fails there too, as through Fluent).
        return try SQLiteDataDecoder().decode(UUID.self, from: row.data(position))
    }

    func optionalDate(_ column: String) throws -> Date? {
        let data = row.data(try position(column))
        switch data {
        case .null: return nil
        case .float, .integer:
            guard let date = Date(sqliteData: data) else { throw SearchColumnError(column: column, expected: "a date") }
            return date
        default:
            return try SQLiteDataDecoder().decode(Date.self, from: data)
        }
    }

    private func position(_ column: String) throws -> Int32 {
        guard let position = positions[column] else { throw SearchColumnError(column: column, expected: "anything: there is no such column") }
        return position
    }
}

/// A PostgreSQL row's columns, read by PostgresNIO's own decoders: SQLKit's row reads through
/// `Decodable`, which was a fifth of a search's CPU on the server.
struct PostgresReadColumns: SearchColumns {
    let row: PostgresRandomAccessRow

    func text(_ column: String) throws -> String { try row[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try row[column].decode(String?.self) }
    func id(_ column: String) throws -> UUID { try row[column].decode(UUID.self) }
    func optionalID(_ column: String) throws -> UUID? { try row[column].decode(UUID?.self) }
    func optionalDate(_ column: String) throws -> Date? { try row[column].decode(Date?.self) }
}
