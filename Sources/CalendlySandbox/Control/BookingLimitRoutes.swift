import Vapor

/// `GET/POST /_sandbox/booking_limits`: the `POST /invitees` limits, small enough for a test
/// to reach in a few calls.
struct BookingLimitRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.get("booking_limits", use: show)
        control.post("booking_limits", use: update)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try await answer()
    }

    /// Merges `per_minute`, `per_hour`, `per_day` (whole numbers of at least 1) into the limits;
    /// `{"reset": true}` first restores Calendly's numbers and forgets the bookings counted.
    @Sendable func update(_ req: Request) async throws -> Response {
        let body = try req.jsonObjectBody() ?? .object([])
        let limiter = context.bookingLimiter
        if body["reset"] == .bool(true) { await limiter.reset() }
        var limits = await limiter.limits
        var problems = Problems()
        for (key, value) in body.objectPairs ?? [] where key != "reset" {
            guard let number = value.intValue, number >= 1 else {
                problems.add(key, "\(key) must be a whole number of at least 1", "invalid")
                continue
            }
            switch key {
            case "per_minute": limits.perMinute = number
            case "per_hour": limits.perHour = number
            case "per_day": limits.perDay = number
            default: problems.add(key, "Unknown limit; limits: per_minute, per_hour, per_day", "inclusion")
            }
        }
        guard problems.details.isEmpty else { throw CalendlyError.invalidArguments(problems.details) }
        await limiter.set(limits)
        return try await answer()
    }

    private func answer() async throws -> Response {
        let limits = await context.bookingLimiter.limits
        let used = await context.bookingLimiter.used()
        return JSON.object([
            ("per_minute", .int(limits.perMinute)), ("per_hour", .int(limits.perHour)), ("per_day", .int(limits.perDay)),
            ("used", .object([("minute", .int(used[0])), ("hour", .int(used[1])), ("day", .int(used[2]))])),
        ]).response()
    }
}
