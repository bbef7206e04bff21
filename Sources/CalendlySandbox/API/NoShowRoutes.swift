import Vapor

/// `POST /invitee_no_shows`, `GET` and `DELETE /invitee_no_shows/{uuid}`.
struct NoShowRoutes {
    let context: SandboxContext

    func register(on api: any RoutesBuilder) {
        api.post("invitee_no_shows", use: create)
        api.get("invitee_no_shows", ":uuid", use: show)
        api.delete("invitee_no_shows", ":uuid", use: delete)
    }

    struct CreateBody: Decodable {
        var invitee: String?
    }

    @Sendable func create(_ req: Request) async throws -> Response {
        let store = context.store
        guard let uri = try req.calendlyBody(CreateBody.self).invitee, !uri.isEmpty else {
            throw CalendlyError.invalidArgument("invitee", "invitee is required")
        }
        guard let key = await store.inviteeKey(fromURI: uri) else { throw CalendlyError.notFound }
        let (record, webhooks) = try await store.markNoShow(key)
        await context.publish(webhooks)
        return JSON.object([("resource", await store.wire.noShowJSON(record))]).response(.created)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let store = context.store
        guard let record = await store.noShow(uuid: req.parameters.get("uuid") ?? "") else {
            throw CalendlyError.notFound
        }
        return JSON.object([("resource", await store.wire.noShowJSON(record))]).response()
    }

    @Sendable func delete(_ req: Request) async throws -> Response {
        let webhooks = try await context.store.unmarkNoShow(uuid: req.parameters.get("uuid") ?? "")
        await context.publish(webhooks)
        return Response(status: .noContent)
    }
}
