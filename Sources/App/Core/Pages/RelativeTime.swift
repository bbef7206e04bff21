import Foundation

/// "3 minutes ago", "yesterday at 14:05": how long ago something happened, as a person says it.
enum RelativeTime {
    static func describe(_ date: Date, now: Date = Date(), time: TimeDisplay) -> String {
        let seconds = now.timeIntervalSince(date)
        switch seconds {
        case ..<60: return "just now"
        case ..<3_600: return count(Int(seconds / 60), "minute") + " ago"
        case ..<(24 * 3_600): return count(Int(seconds / 3_600), "hour") + " ago"
        case ..<(7 * 24 * 3_600): return count(Int(seconds / 86_400), "day") + " ago, " + time.formatShort(date)
        default: return "on " + time.formatShort(date)
        }
    }

    private static func count(_ n: Int, _ unit: String) -> String {
        n == 1 ? "1 \(unit)" : "\(n) \(unit)s"
    }
}
