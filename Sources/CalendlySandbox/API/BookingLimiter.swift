import Foundation

/// Calendly's own limits on booking through `POST /invitees`, per user and on top of the request
/// rate limit: 10 a minute, 50 an hour, 100 a day below Enterprise (REFERENCE-2026.md). Only
/// bookings that succeed count; a call holds a place while it books and gives it back if the
/// booking fails, so concurrent calls cannot slip past a limit. Sliding windows.
actor BookingLimiter {
    struct Limits: Sendable, Equatable {
        var perMinute = 10
        var perHour = 50
        var perDay = 100
    }

    private(set) var limits = Limits()
    private var bookings: [(id: UUID, at: Date)] = []

    /// Takes a place for one booking, or refuses with Calendly's 429 naming the limit reached.
    func reserve(now: Date = Date()) throws(CalendlyError) -> UUID {
        prune(now)
        // When several limits are reached, the one that frees up last is the one to wait for.
        let refusals = windows.compactMap { window -> (Int, String, Int)? in
            let inside = bookings.filter { now.timeIntervalSince($0.at) < window.seconds }
            guard inside.count >= window.limit else { return nil }
            let freesAt = inside[inside.count - window.limit].at.addingTimeInterval(window.seconds)
            return (window.limit, window.name, max(1, Int(freesAt.timeIntervalSince(now).rounded(.up))))
        }
        if let (limit, name, reset) = refusals.max(by: { $0.2 < $1.2 }) {
            var error = CalendlyError(status: .tooManyRequests, title: "Too Many Requests",
                                      message: "Booking limit reached: \(limit) bookings per \(name)")
            error.headers.replaceOrAdd(name: "X-RateLimit-Limit", value: String(limit))
            error.headers.replaceOrAdd(name: "X-RateLimit-Remaining", value: "0")
            error.headers.replaceOrAdd(name: "X-RateLimit-Reset", value: String(reset))
            throw error
        }
        let id = UUID()
        bookings.append((id, now))
        return id
    }

    /// Gives back the place of a booking that did not happen.
    func release(_ id: UUID) {
        bookings.removeAll { $0.id == id }
    }

    func set(_ limits: Limits) {
        self.limits = limits
    }

    /// Defaults again, and nothing counted.
    func reset() {
        limits = Limits()
        bookings = []
    }

    /// Bookings counted in each window: `[minute, hour, day]`.
    func used(now: Date = Date()) -> [Int] {
        windows.map { window in bookings.filter { now.timeIntervalSince($0.at) < window.seconds }.count }
    }

    private var windows: [(name: String, seconds: TimeInterval, limit: Int)] {
        [("minute", 60, limits.perMinute), ("hour", 3_600, limits.perHour), ("day", 86_400, limits.perDay)]
    }

    private func prune(_ now: Date) {
        bookings.removeAll { now.timeIntervalSince($0.at) >= 86_400 }
    }
}
