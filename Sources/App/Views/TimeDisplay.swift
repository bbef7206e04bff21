import Foundation

/// Shows UTC instants in the owner's time zone, naming the zone, and reads form input back.
struct TimeDisplay: Sendable {
    let zone: TimeZone

    var zoneName: String { zone.identifier }

    /// `Thu 28 Nov 2024, 10:00 (Europe/Berlin)`
    func format(_ date: Date) -> String {
        "\(formatter("EEE d MMM yyyy, HH:mm").string(from: date)) (\(zoneName))"
    }

    /// The value an `<input type="datetime-local">` shows.
    func inputValue(_ date: Date) -> String {
        formatter("yyyy-MM-dd'T'HH:mm").string(from: date)
    }

    /// Parses a `datetime-local` value as a time in the owner's zone.
    func parseInput(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return formatter("yyyy-MM-dd'T'HH:mm").date(from: trimmed) ?? formatter("yyyy-MM-dd'T'HH:mm:ss").date(from: trimmed)
    }

    private func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = format
        return formatter
    }
}
