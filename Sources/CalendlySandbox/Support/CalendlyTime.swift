import Foundation

/// Calendly's timestamp format: UTC with six fractional digits (`2024-11-28T09:00:00.000000Z`).
enum CalendlyTime {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let micros = min(999_999, Int(((interval - seconds) * 1_000_000).rounded()))
        let c = utc.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                   from: Date(timeIntervalSince1970: seconds))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                      c.year ?? 0, c.month ?? 0, c.day ?? 0,
                      c.hour ?? 0, c.minute ?? 0, c.second ?? 0, micros)
    }

    /// The webhook envelope's `created_at` has whole seconds (`.000000Z`), as Calendly sends it.
    static func formatWholeSeconds(_ date: Date) -> String {
        format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// `2024-11-28T09:00:00Z`: whole seconds, as Calendly writes a time into a booking URL.
    static func formatPathStamp(_ date: Date) -> String {
        String(formatWholeSeconds(date).prefix(19)) + "Z"
    }

    /// Accepts ISO 8601 UTC times with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let whole = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        return (try? fractional.parse(text)) ?? (try? whole.parse(text))
    }

    static func startOfDayUTC(_ date: Date) -> Date {
        utc.startOfDay(for: date)
    }

    /// `Thu 28 Nov 2024, 09:00 UTC`, or `Thu 28 Nov 2024, 10:00 Europe/Berlin`: how the sandbox
    /// pages show a time, named by its zone so a reader never guesses.
    static func display(_ date: Date, in zone: TimeZone? = nil) -> String {
        var calendar = utc
        if let zone { calendar.timeZone = zone }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[((c.weekday ?? 1) - 1) % 7]
        let month = months[((c.month ?? 1) - 1) % 12]
        let name = zone.map(\.identifier) ?? "UTC"
        return String(format: "%@ %d %@ %d, %02d:%02d ", weekday, c.day ?? 0, month,
                      c.year ?? 0, c.hour ?? 0, c.minute ?? 0) + name
    }
}
