import CSV
import Foundation

/// A CSV document written with CSV.swift: RFC 4180 quoting, CRLF line ends, UTF-8.
///
/// A cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) is written with a leading `'`, which spreadsheets show as text; the importer
/// takes that one quote off again, so an export imports back unchanged.
struct CSVTable {
    let header: [String]
    var rows: [[String]] = []

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func defused(_ cell: String) -> String {
        guard let first = cell.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    func data() throws -> Data {
        let stream = OutputStream(toMemory: ())
        stream.open()
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row.map(Self.defused)) }
        writer.stream.close()
        var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        data.append(contentsOf: Array("\r\n".utf8))
        return data
    }
}
