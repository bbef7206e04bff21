import Foundation

/// The IANA time zones a person can choose from, sorted, without the legacy aliases.
enum TimeZoneChoice {
    static let all: [String] = TimeZone.knownTimeZoneIdentifiers
        .filter { $0 == "UTC" || $0.contains("/") && !$0.hasPrefix("Etc/") && !$0.hasPrefix("SystemV/") && !$0.hasPrefix("US/") }
        .sorted()
}
