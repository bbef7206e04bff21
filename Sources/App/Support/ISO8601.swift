import Foundation

/// RFC 3339 date-times (ISO 8601 profile): with or without fractional seconds (Calendly sends
/// `...09:00:00.000000Z`), any UTC offset up to ±23:59, `T`/`Z` in either case.
enum ISO8601 {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch parseRFC3339(trimmed) {
        case .date(let date): return date
        case .invalid: return nil
        case .otherSyntax:
            // Foundation reads ISO 8601's other spellings (e.g. `+0100`), but rolls impossible
            // dates over (Feb 30 becomes Mar 1), so it only sees what the strict parser does not.
            if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            return try? Date(trimmed, strategy: Date.ISO8601FormatStyle())
        }
    }

    private enum Strict {
        case date(Date)
        case invalid
        case otherSyntax
    }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// Foundation's parser refuses offsets past ±18:00 and lower-case `t`/`z`, which RFC 3339 allows.
    private static func parseRFC3339(_ text: String) -> Strict {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/
        guard let match = text.wholeMatch(of: pattern) else { return .otherSyntax }
        guard let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
              let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6) else { return .invalid }
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return .invalid }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: year, month: month, day: day)
        guard let firstOfMonth = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: firstOfMonth), days.contains(day),
              let midnight = calendar.date(from: components) else { return .invalid }
        var offset = 0
        if let sign = match.9, let offsetHours = match.10.flatMap({ Int($0) }), let offsetMinutes = match.11.flatMap({ Int($0) }) {
            guard (0...23).contains(offsetHours), (0...59).contains(offsetMinutes) else { return .invalid }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == "-" ? -1 : 1)
        }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        // A leap second (:60) is read as the last instant of its minute.
        let seconds = TimeInterval(hour * 3600 + minute * 60 + min(second, 59)) + fraction
        return .date(midnight.addingTimeInterval(seconds - TimeInterval(offset)))
    }
}
