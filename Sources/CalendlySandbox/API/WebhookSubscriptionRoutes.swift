import Vapor

/// `/webhook_subscriptions`: create (403 on the Free plan, 409 for a URL already
/// subscribed), list (organization and scope required), show and delete.
struct WebhookSubscriptionRoutes {
    let context: SandboxContext

    func register(on api: any RoutesBuilder) {
        api.post("webhook_subscriptions", use: create)
        api.get("webhook_subscriptions", use: list)
        api.get("webhook_subscriptions", ":uuid", use: show)
        api.delete("webhook_subscriptions", ":uuid", use: delete)
    }

    struct CreateBody: Decodable {
        var url: String?
        var events: [String]?
        var organization: String?
        var user: String?
        var scope: String?
        var signing_key: String?
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let body = try req.calendlyBody(CreateBody.self)
        var problems: [CalendlyError.Detail] = []
        let url = body.url ?? ""
        if URL(string: url).flatMap(\.scheme).map({ ["http", "https"].contains($0) }) != true || URL(string: url)?.host == nil {
            problems.append(.init(parameter: "url", message: "url must be a valid http(s) URL"))
        }
        let events = body.events ?? []
        if events.isEmpty {
            problems.append(.init(parameter: "events", message: "events must list at least one event"))
        } else if Set(events).count != events.count {
            problems.append(.init(parameter: "events", message: "events must be unique"))
        }
        for event in events where !SandboxStore.knownEvents.contains(event) {
            problems.append(.init(parameter: "events", message: "\(event) is not a valid event"))
        }
        if body.organization?.isEmpty ?? true {
            problems.append(.init(parameter: "organization", message: "organization is required"))
        }
        let scope = body.scope ?? ""
        if !["organization", "user"].contains(scope) {
            problems.append(.init(parameter: "scope", message: "scope must be organization or user"))
        } else if scope == "user", body.user?.isEmpty ?? true {
            problems.append(.init(parameter: "user", message: "user is required when scope is user"))
        }
        guard problems.isEmpty else {
            throw CalendlyError(status: .badRequest, title: "Invalid Argument",
                                message: "The supplied parameters are invalid.", details: problems)
        }
        guard body.organization == wire.organizationURI else { throw CalendlyError.permissionDenied() }
        if scope == "user", body.user != wire.userURI { throw CalendlyError.permissionDenied("You do not have permission") }
        if context.options.freePlan {
            // The 2026 wording of a plan limit (REFERENCE-2026.md).
            throw CalendlyError.permissionDenied("Please upgrade to a paid Calendly account.")
        }
        let record = try await store.createSubscription(url: url, events: events, scope: scope,
                                                        signingKey: body.signing_key)
        return JSON.object([("resource", wire.subscriptionJSON(record))]).response(.created)
    }

    @Sendable func list(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let query = QueryReader(request: req, wire: wire)
        let page = try PageRequest.parse(req)
        guard query.string("organization") != nil else {
            throw CalendlyError.invalidArgument("organization", "organization is required")
        }
        guard let scope = try query.oneOf("scope", ["organization", "user"]) else {
            throw CalendlyError.invalidArgument("scope", "scope is required")
        }
        _ = try query.organization()
        if scope == "user", try query.user() == nil {
            throw CalendlyError.invalidArgument("user", "user is required when scope is user")
        }
        let descending = try query.sortDescending(field: "created_at")
        let items = await store.listSubscriptions(scope: scope, descending: descending).map(wire.subscriptionJSON)
        return page.page(items, request: req, base: wire.base).response()
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let store = context.store
        guard let record = await store.subscription(uuid: req.parameters.get("uuid") ?? "") else {
            throw CalendlyError.notFound
        }
        return JSON.object([("resource", await store.wire.subscriptionJSON(record))]).response()
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        guard await context.store.deleteSubscription(uuid: req.parameters.get("uuid") ?? "") else {
            throw CalendlyError.notFound
        }
        return Response(status: .noContent)
    }
}
