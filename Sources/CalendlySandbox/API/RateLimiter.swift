import Foundation

/// Calendly's per-user budget: a fixed window of 60 seconds (REFERENCE.md §1.3).
actor RateLimiter {
    struct Verdict: Sendable {
        let limit: Int
        let remaining: Int
        let resetSeconds: Int
        let allowed: Bool
    }

    private let limit: Int
    private var windows: [String: (start: Date, used: Int)] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts one request against `token`'s window.
    func take(_ token: String, now: Date = Date()) -> Verdict {
        var window = windows[token] ?? (now, 0)
        if now.timeIntervalSince(window.start) >= 60 { window = (now, 0) }
        let allowed = window.used < limit
        if allowed { window.used += 1 }
        windows[token] = window
        return Verdict(limit: limit, remaining: max(0, limit - window.used),
                       resetSeconds: resetSeconds(window.start, now), allowed: allowed)
    }

    /// The headers' values without spending anything (answers to unauthenticated calls).
    func peek(_ token: String, now: Date = Date()) -> Verdict {
        guard let window = windows[token], now.timeIntervalSince(window.start) < 60 else {
            return Verdict(limit: limit, remaining: limit, resetSeconds: 60, allowed: true)
        }
        return Verdict(limit: limit, remaining: max(0, limit - window.used),
                       resetSeconds: resetSeconds(window.start, now), allowed: window.used < limit)
    }

    private func resetSeconds(_ start: Date, _ now: Date) -> Int {
        max(1, Int((60 - now.timeIntervalSince(start)).rounded(.up)))
    }
}
