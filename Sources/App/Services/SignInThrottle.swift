import Foundation

/// Slows password guessing: after `limit` failures from one address within `window`, further
/// attempts are refused until the oldest failure ages out.
actor SignInThrottle {
    private let limit: Int
    private let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait before another attempt is allowed, or nil when one is allowed now.
    func retryAfter(for key: String, now: Date = Date()) -> Int? {
        let recent = prune(key, now: now)
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
    }

    func recordFailure(for key: String, now: Date = Date()) {
        failures[key, default: []].append(now)
    }

    func reset(for key: String) {
        failures[key] = nil
    }

    private func prune(_ key: String, now: Date) -> [Date] {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
