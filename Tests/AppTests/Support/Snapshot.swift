import Foundation
import Testing

/// Golden files for rendered pages and JSON: the text a user meets, compared byte for byte with
/// the copy under `Tests/AppTests/Snapshots/__Snapshots__/`. A missing file is written and the
/// test fails once, so a new snapshot is always looked at; `SNAPSHOT_RECORD=1` rewrites them all.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots/__Snapshots__")

    static func assertMatches(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = directory.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
        guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("Recorded snapshot \(name); check it and run again", sourceLocation: sourceLocation)
            return
        }
        if text != expected {
            let firstDifference = zip(text.split(separator: "\n", omittingEmptySubsequences: false),
                                      expected.split(separator: "\n", omittingEmptySubsequences: false))
                .enumerated().first { $0.element.0 != $0.element.1 }
            let detail = firstDifference.map { "line \($0.offset + 1):\n  got      \($0.element.0)\n  expected \($0.element.1)" }
                ?? "lengths differ (\(text.count) against \(expected.count) characters)"
            Issue.record("\(name) differs from its snapshot at \(detail)", sourceLocation: sourceLocation)
        }
    }

    /// Replaces what changes from run to run (CSRF tokens, random UUIDs, the current time) with
    /// stable placeholders. UUIDs are numbered in order of first appearance, so links that point
    /// to the same record still visibly agree.
    static func normalized(_ text: String) -> String {
        var result = text
        result = replacing(#"(name="csrf-token" content=")[^"]*"#, in: result, with: "$1<csrf>")
        result = replacing(#"(name="csrf_token" value=")[^"]*"#, in: result, with: "$1<csrf>")
        result = replacing(#"("(?:created_at|updated_at|last_seen_at)"\s*:\s*)"[^"]*""#, in: result, with: "$1\"<now>\"")
        // Counted from today, so it moves every day.
        result = replacing(#"(id="brief-since">)[^<]*"#, in: result, with: "$1<days since the last meeting>")
        result = replacing(#"("days_since_last_meeting"\s*:\s*)[0-9]+"#, in: result, with: "$1\"<days>\"")
        var numbers: [String: Int] = [:]
        let uuid = try! NSRegularExpression(pattern: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
        let matches = uuid.matches(in: result, range: NSRange(result.startIndex..., in: result))
        var output = ""
        var cursor = result.startIndex
        for match in matches {
            guard let range = Range(match.range, in: result) else { continue }
            let value = result[range].uppercased()
            if value.hasPrefix("00000000-0000-0000-0000-") { continue }
            let number = numbers[value] ?? (numbers.count + 1)
            numbers[value] = number
            output += result[cursor..<range.lowerBound] + "<uuid-\(number)>"
            cursor = range.upperBound
        }
        return output + result[cursor...]
    }

    private static func replacing(_ pattern: String, in text: String, with template: String) -> String {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}
