import Vapor

/// `GET /event_types` and `GET /event_types/{uuid}`.
struct EventTypeRoutes {
    let context: SandboxContext

    func register(on api: any RoutesBuilder) {
        api.get("event_types", use: list)
        api.get("event_types", ":uuid", use: show)
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
        let active = try query.bool("active")
        let adminManaged = try query.bool("admin_managed")
        let descending = try query.sortDescending(field: "name")
        var types = await store.eventTypes(active: active)
        if adminManaged == true { types = [] }  // the sandbox has no admin-managed types
        types.sort { ($0.name.lowercased(), $0.uuid) < ($1.name.lowercased(), $1.uuid) }
        if descending { types.reverse() }
        return page.page(types.map(wire.eventTypeJSON), request: req, base: wire.base).response()
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let store = context.store
        guard let type = await store.eventType(uuid: req.parameters.get("uuid") ?? "") else {
            throw CalendlyError.notFound
        }
        return JSON.object([("resource", await store.wire.eventTypeJSON(type))]).response()
    }
}
