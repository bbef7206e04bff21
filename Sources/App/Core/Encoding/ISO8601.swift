import Foundation

/// RFC 3339 date-times (ISO 8601 profile): with or without fractional seconds (Calendly sends
/// `...09:00:00.000000Z`), any UTC offset up to ±23:59, `T`/`Z` in either case.
///
/// Webhook bodies carry several dates each, so the common form is read by hand from the bytes;
/// Foundation reads ISO 8601's other spellings (e.g. `+0100`) but rolls impossible dates over
/// (Feb 30 becomes Mar 1), so it only sees what the strict reader does not recognise.
enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch RFC3339.read(Array(trimmed.utf8)) {
        case .date(let date): return date
        case .invalid: return nil
        case .otherSyntax:
            if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            return try? Date(trimmed, strategy: Date.ISO8601FormatStyle())
        }
    }

    static func format(_ date: Date) -> String {
        date.formatted(formatStyle)
    }

    /// Made once: making the style was more than a third of the cost of formatting a date.
    private static let formatStyle = Date.ISO8601FormatStyle()
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, validated field by field.
enum RFC3339 {
    enum Reading: Equatable {
        case date(Date)
        case invalid
        case otherSyntax
    }

    static func read(_ b: [UInt8]) -> Reading {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var value = 0
            for index in at..<(at + count) {
                guard (48...57).contains(b[index]) else { return nil }
                value = value * 10 + Int(b[index] - 48)
            }
            return value
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
              let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2) else { return .otherSyntax }
        var index = 19
        var fraction = 0.0
        if b[index] == 46 {
            var scale = 0.1
            index += 1
            let start = index
            while index < b.count, (48...57).contains(b[index]) {
                fraction += Double(b[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start, index - start <= 9 else { return .otherSyntax }
        }
        guard index < b.count else { return .otherSyntax }
        var offset = 0
        if b[index] == 90 || b[index] == 122 {
            guard index + 1 == b.count else { return .otherSyntax }
        } else if b[index] == 43 || b[index] == 45 {
            guard index + 6 == b.count, b[index + 3] == 58, let hours = digits(index + 1, 2), let minutes = digits(index + 4, 2) else {
                return .otherSyntax
            }
            guard hours <= 23, minutes <= 59 else { return .invalid }
            offset = (hours * 3600 + minutes * 60) * (b[index] == 45 ? -1 : 1)
        } else {
            return .otherSyntax
        }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return .invalid }
        // A leap second (:60) is read as the last second of its minute.
        let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return .date(Date(timeIntervalSince1970: TimeInterval(seconds) + fraction))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
