import Vapor

/// Calendly's Scheduling API (REFERENCE-2026.md): open times, booking directly, and
/// single-use links.
struct SchedulingRoutes {
    let context: SandboxContext

    /// Calendly allows 31 days a call since July 2026 (it was 7).
    static let maxRange: TimeInterval = 31 * 86_400

    func register(on api: any RoutesBuilder) {
        api.get("event_type_available_times", use: availableTimes)
        api.post("invitees", use: book)
        api.post("scheduling_links", use: createLink)
    }

    /// `GET /event_type_available_times?event_type=&start_time=&end_time=`: no paging.
    @Sendable func availableTimes(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let query = QueryReader(request: req, wire: wire)
        guard let uri = query.string("event_type") else {
            throw CalendlyError.invalidArgument("event_type", "event_type is required", code: "blank")
        }
        guard let start = try query.date("start_time") else {
            throw CalendlyError.invalidArgument("start_time", "start_time is required", code: "blank")
        }
        guard let end = try query.date("end_time") else {
            throw CalendlyError.invalidArgument("end_time", "end_time is required", code: "blank")
        }
        guard start > Date() else {
            throw CalendlyError.invalidArgument("start_time", "start_time must be in the future", code: "invalid")
        }
        guard end > start else {
            throw CalendlyError.invalidArgument("end_time", "end_time must be after start_time", code: "invalid")
        }
        guard end.timeIntervalSince(start) <= Self.maxRange else {
            throw CalendlyError.invalidArgument(
                "end_time", "The date range is too long: end_time must be at most 31 days after start_time",
                code: "invalid")
        }
        guard let type = await store.eventType(uri: uri) else { throw CalendlyError.notFound }
        let slots = await store.freeSlots(for: type, from: start, to: end)
        return JSON.object([("collection", .array(slots.map { wire.availableTimeJSON($0, type: type) }))]).response()
    }

    /// `POST /invitees`: books as the owner, within the booking limits.
    @Sendable func book(_ req: Request) async throws -> Response {
        let place = try await context.bookingLimiter.reserve()
        do {
            return try await bookWithinLimits(req)
        } catch {
            await context.bookingLimiter.release(place)
            throw error
        }
    }

    private func bookWithinLimits(_ req: Request) async throws -> Response {
        let store = context.store
        let body = try DirectBookingBody(req.jsonObjectBody() ?? .object([]))
        guard let type = await store.eventType(uri: body.eventType) else { throw CalendlyError.notFound }
        let request = try body.request(for: type)
        let (invitee, webhooks) = try await store.book(request)
        await context.publish(webhooks)
        return JSON.object([("resource", await store.payload(for: invitee.key))]).response(.created)
    }

    /// `POST /scheduling_links`: a link that books its event type once.
    @Sendable func createLink(_ req: Request) async throws -> Response {
        let store = context.store
        let body = try req.jsonObjectBody() ?? .object([])
        var problems = Problems()
        if let count = body["max_event_count"], !count.isNull {
            if count.intValue != 1 { problems.add("max_event_count", "max_event_count must be 1", "inclusion") }
        } else {
            problems.add("max_event_count", "max_event_count is required", "blank")
        }
        let owner = problems.requiredString(body["owner"], "owner")
        if let ownerType = problems.requiredString(body["owner_type"], "owner_type"), ownerType != "EventType" {
            problems.add("owner_type", "owner_type must be EventType", "inclusion")
        }
        guard problems.details.isEmpty else { throw CalendlyError.invalidArguments(problems.details) }
        guard let owner, let type = await store.eventType(uri: owner) else { throw CalendlyError.notFound }
        let link = await store.createSchedulingLink(for: type)
        return JSON.object([("resource", await store.wire.schedulingLinkJSON(link, type: type))]).response(.created)
    }
}
