import Vapor

/// `/users/...`, `/organizations/...` and `/organization_memberships`.
struct UserRoutes {
    let context: SandboxContext

    func register(on api: any RoutesBuilder) {
        api.get("users", ":uuid", use: user)
        api.get("organizations", ":uuid", use: organization)
        api.get("organization_memberships", use: memberships)
        api.get("organization_memberships", ":uuid", use: membership)
    }

    /// `/users/me` and `/users/{uuid}`; the literal `me` is the caller (S1).
    @Sendable func user(_ req: Request) async throws -> Response {
        let wire = await context.store.wire
        let uuid = req.parameters.get("uuid") ?? ""
        guard uuid == "me" || uuid == wire.user.uuid else { throw CalendlyError.notFound }
        return JSON.object([("resource", wire.userJSON())]).response()
    }

    /// Not in the 2024 document, but third parties read the plan here before subscribing.
    @Sendable func organization(_ req: Request) async throws -> Response {
        let wire = await context.store.wire
        guard req.parameters.get("uuid") == wire.organization.uuid else { throw CalendlyError.notFound }
        return JSON.object([("resource", wire.organizationJSON(freePlan: context.options.freePlan))]).response()
    }

    @Sendable func memberships(_ req: Request) async throws -> Response {
        let wire = await context.store.wire
        let query = QueryReader(request: req, wire: wire)
        let page = try PageRequest.parse(req)
        let user = try query.user()
        let organization = try query.organization()
        guard user != nil || organization != nil else {
            throw CalendlyError.invalidArgument("organization", "Either user or organization must be provided")
        }
        var items = [wire.membershipJSON()]
        if let email = query.string("email"), email.lowercased() != wire.user.email.lowercased() {
            items = []
        }
        return page.page(items, request: req, base: wire.base).response()
    }

    @Sendable func membership(_ req: Request) async throws -> Response {
        let wire = await context.store.wire
        guard req.parameters.get("uuid") == wire.organization.membershipUUID else { throw CalendlyError.notFound }
        return JSON.object([("resource", wire.membershipJSON())]).response()
    }
}
