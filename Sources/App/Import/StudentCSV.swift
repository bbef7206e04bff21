import CSV
import Foundation

/// A students CSV as exported by spreadsheets, Google Contacts and Outlook (SPEC 12), read with
/// CSV.swift. What it does not do itself is done here: the BOM is taken off, `;` or `,` is chosen
/// from the header row, rows are numbered as a spreadsheet shows them (the header is row 1), and a
/// row with more fields than the header is refused rather than silently cut.
struct StudentCSV {
    static let maxRows = 10_000

    /// Where each field is, found by header name.
    struct Columns: Equatable {
        var name: Int?
        var firstName: Int?
        var lastName: Int?
        var email: Int?
        var phone: Int?
        var notes: Int?
    }

    struct Row {
        /// As a spreadsheet numbers it: the header is row 1.
        var number: Int
        var fields: [String]
        /// More fields than the header names.
        var ragged: Bool
    }

    var header: [String]
    var columns: Columns
    /// Headers that name nothing the import takes, listed in the answer.
    var ignored: [String]
    var rows: [Row]
    var delimiter: Character

    /// Header names compared without case, spaces, hyphens or underscores.
    static func normalized(_ header: String) -> String {
        header.lowercased().filter { !" -_\t".contains($0) }
    }

    static let names: [String: WritableKeyPath<Columns, Int?>] = [
        "name": \.name, "fullname": \.name,
        "firstname": \.firstName, "givenname": \.firstName,
        "lastname": \.lastName, "familyname": \.lastName,
        "email": \.email, "emailaddress": \.email, "email1value": \.email,
        "phone": \.phone, "mobile": \.phone, "mobilephone": \.phone, "primaryphone": \.phone, "phone1value": \.phone,
        "notes": \.notes,
    ]

    static func parse(_ data: Data) throws -> StudentCSV {
        guard var text = String(data: data, encoding: .utf8) else {
            throw ImportProblem.file("is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw ImportProblem.file("is not a CSV file (it contains binary data)")
        }
        guard let firstLine = text.split(whereSeparator: \.isNewline).first, !firstLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ImportProblem.file("is empty: the first row must name the columns (name, email, phone, notes)")
        }
        let delimiter: Character = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        let reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false, delimiter: delimiter.unicodeScalars.first!)
        let header = reader.headerRow ?? []
        var columns = Columns()
        var ignored: [String] = []
        for (index, title) in header.enumerated() {
            if let path = names[normalized(title)] {
                if columns[keyPath: path] == nil { columns[keyPath: path] = index }
            } else if !title.trimmingCharacters(in: .whitespaces).isEmpty {
                ignored.append(title)
            }
        }
        guard columns.name != nil || columns.firstName != nil || columns.lastName != nil else {
            throw ImportProblem.file("has no name column: the first row must name one (name, full name, or first name and last name)")
        }
        var rows: [Row] = []
        var number = 1
        while let fields = reader.next() {
            number += 1
            // A blank line is no student.
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { continue }
            rows.append(Row(number: number, fields: fields, ragged: fields.count > header.count))
            if rows.count > maxRows {
                throw ImportProblem.file("has more than \(maxRows.formatted()) rows; split it into smaller files")
            }
        }
        return StudentCSV(header: header, columns: columns, ignored: ignored, rows: rows, delimiter: delimiter)
    }

    /// The row's value at `index`, if the row has it.
    static func value(_ row: Row, _ index: Int?) -> String {
        guard let index, index < row.fields.count else { return "" }
        var value = row.fields[index]
        // The export writes formula-like cells with a leading quote; take it off again.
        if value.hasPrefix("'"), let next = value.dropFirst().first, CSVTable.formulaStarts.contains(next) { value.removeFirst() }
        return value
    }

    func name(of row: Row) -> String {
        if columns.name != nil { return Self.value(row, columns.name).trimmingCharacters(in: .whitespacesAndNewlines) }
        return [Self.value(row, columns.firstName), Self.value(row, columns.lastName)]
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Why a file cannot be imported at all (as opposed to one row of it).
enum ImportProblem: Error {
    case file(String)

    var appError: AppError {
        switch self {
        case .file(let message): .invalid(field: "file", message: message)
        }
    }
}
