import Vapor

/// Scheduled events, their invitees, and the host's cancellation.
struct ScheduledEventRoutes {
    let context: SandboxContext

    func register(on api: any RoutesBuilder) {
        api.get("scheduled_events", use: list)
        api.get("scheduled_events", ":uuid", use: show)
        api.get("scheduled_events", ":uuid", "invitees", use: invitees)
        api.get("scheduled_events", ":uuid", "invitees", ":invitee", use: invitee)
        api.post("scheduled_events", ":uuid", "cancellation", use: cancel)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let query = QueryReader(request: req, wire: wire)
        let page = try PageRequest.parse(req)
        let user = try query.user()
        let organization = try query.organization()
        guard user != nil || organization != nil else {
            throw CalendlyError.invalidArgument("user", "Either user or organization must be provided")
        }
        var filter = SandboxStore.EventFilter()
        filter.status = try query.oneOf("status", ["active", "canceled"])
        filter.minStart = try query.date("min_start_time")
        filter.maxStart = try query.date("max_start_time")
        filter.inviteeEmail = query.string("invitee_email")
        filter.descending = try query.sortDescending(field: "start_time")
        var items: [JSON] = []
        for event in await store.events(filter) { items.append(await store.eventJSON(event)) }
        return page.page(items, request: req, base: wire.base).response()
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let store = context.store
        guard let event = await store.event(uuid: req.parameters.get("uuid") ?? "") else {
            throw CalendlyError.notFound
        }
        return JSON.object([("resource", await store.eventJSON(event))]).response()
    }

    @Sendable func invitees(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let query = QueryReader(request: req, wire: wire)
        let page = try PageRequest.parse(req)
        let status = try query.oneOf("status", ["active", "canceled"])
        let descending = try query.sortDescending(field: "created_at")
        let email = query.string("email")?.lowercased()
        let uuid = req.parameters.get("uuid") ?? ""
        guard await store.event(uuid: uuid) != nil else { throw CalendlyError.notFound }
        var list = await store.invitees(ofEvent: uuid).filter {
            (status == nil || $0.status == status) && (email == nil || $0.email.lowercased() == email)
        }
        list.sort { ($0.createdAt, $0.uuid) < ($1.createdAt, $1.uuid) }
        if descending { list.reverse() }
        return page.page(list.map(wire.inviteeJSON), request: req, base: wire.base).response()
    }

    @Sendable func invitee(_ req: Request) async throws -> Response {
        let store = context.store
        guard let invitee = await store.invitee(uuid: req.parameters.get("invitee") ?? ""),
              invitee.eventUUID == req.parameters.get("uuid") else { throw CalendlyError.notFound }
        return JSON.object([("resource", await store.wire.inviteeJSON(invitee))]).response()
    }

    struct CancelBody: Decodable {
        var reason: String?
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let body = try req.calendlyBody(CancelBody.self)
        if let reason = body.reason, reason.count > 10_000 {
            throw CalendlyError.invalidArgument("reason", "reason must be at most 10000 characters")
        }
        let (record, webhooks) = try await context.store.cancelEvent(
            uuid: req.parameters.get("uuid") ?? "", reason: body.reason)
        await context.publish(webhooks)
        return JSON.object([("resource", await context.store.wire.cancellationJSON(record))]).response(.created)
    }
}
