import Foundation

/// Shows UTC instants in the owner's time zone, naming the zone, and reads form input back.
///
/// Format styles are values that Foundation caches the underlying formatters for, so pages with
/// many times do not build a formatter per time.
struct TimeDisplay: Sendable {
    let zone: TimeZone
    private let display: Date.VerbatimFormatStyle
    private let short: Date.VerbatimFormatStyle

    init(zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let locale = Locale(identifier: "en_US_POSIX")
        display = Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits), \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            locale: locale, timeZone: zone, calendar: calendar)
        short = Date.VerbatimFormatStyle(
            format: "\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            locale: locale, timeZone: zone, calendar: calendar)
    }

    /// `Tue 8 Dec 10:00`: for a time named in a sentence, where the zone is already on the page.
    func formatShort(_ date: Date) -> String {
        date.formatted(short)
    }

    var zoneName: String { zone.identifier }

    /// `Tue 8 Dec`: a day heading in a list of times.
    func dayLabel(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(format: "\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated)",
                                                locale: Locale(identifier: "en_US_POSIX"), timeZone: zone, calendar: calendar))
    }

    /// `8 Dec 2024`: a day in a list that spans years, such as search results.
    func day(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(format: "\(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits)",
                                                locale: Locale(identifier: "en_US_POSIX"), timeZone: zone, calendar: calendar))
    }

    /// `10:00`: a time under its day heading.
    func clock(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(format: "\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
                                                locale: Locale(identifier: "en_US_POSIX"), timeZone: zone, calendar: calendar))
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The owner's calendar date at `now`, `YYYY-MM-DD`, as follow-ups' due dates are written.
    func today(now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let day = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0)
    }

    /// `Thu 28 Nov 2024, 10:00 (Europe/Berlin)`
    func format(_ date: Date) -> String {
        "\(date.formatted(display)) (\(zoneName))"
    }

    /// Parses a `datetime-local` value (`2031-07-01T15:30`, seconds optional) as a time in the owner's zone.
    func parseInput(_ text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "T")
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard day.count == 3, (2...3).contains(time.count), day[0] >= 1, (1...12).contains(day[1]),
              day[2] >= 1, day[2] <= RFC3339.daysIn(month: day[1], year: day[0]),
              (0...23).contains(time[0]), (0...59).contains(time[1]), time.count == 2 || (0...59).contains(time[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1],
                                                  second: time.count == 3 ? time[2] : 0))
    }
}
