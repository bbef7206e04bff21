import Vapor

/// Changes made in Calendly's own screens that the app only hears about: a reconfirmation asked
/// and given, and a location change (sent as a reschedule to the same time).
struct InviteeChangeRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.post("invitees", ":uuid", "reconfirmation", use: requestReconfirmation)
        control.post("invitees", ":uuid", "reconfirm", use: reconfirm)
        control.post("invitees", ":uuid", "move", use: move)
    }

    /// `POST /_sandbox/invitees/{uuid}/reconfirmation`: the host asks; no webhook (none exists).
    @Sendable func requestReconfirmation(_ req: Request) async throws -> Response {
        let invitee = try await context.store.requestReconfirmation(inviteeUUID: req.parameters.get("uuid") ?? "")
        return JSON.object([("invitee", await context.store.wire.inviteeJSON(invitee))]).response()
    }

    /// `POST /_sandbox/invitees/{uuid}/reconfirm`: the invitee confirms; no webhook either.
    @Sendable func reconfirm(_ req: Request) async throws -> Response {
        let invitee = try await context.store.reconfirm(inviteeUUID: req.parameters.get("uuid") ?? "")
        return JSON.object([("invitee", await context.store.wire.inviteeJSON(invitee))]).response()
    }

    /// `POST /_sandbox/invitees/{uuid}/move {"location", "kind"?, "canceled_by"?}`: the new event
    /// and invitee, as `POST /_sandbox/invitees/{uuid}/reschedule` answers.
    @Sendable func move(_ req: Request) async throws -> Response {
        let body = try req.jsonObjectBody() ?? .object([])
        var problems = Problems()
        let place = problems.requiredString(body["location"], "location")
        let kind = problems.optionalString(body["kind"], "kind")
        let by = problems.optionalString(body["canceled_by"], "canceled_by") ?? "host"
        if !["host", "invitee"].contains(by) { problems.add("canceled_by", "canceled_by must be host or invitee", "inclusion") }
        guard let place, problems.details.isEmpty else { throw CalendlyError.invalidArguments(problems.details) }
        let store = context.store
        let (invitee, webhooks) = try await store.move(inviteeUUID: req.parameters.get("uuid") ?? "", to: place,
                                                       kind: kind, byHost: by == "host")
        await context.publish(webhooks)
        guard let event = await store.event(uuid: invitee.eventUUID) else { throw CalendlyError.notFound }
        return JSON.object([
            ("event", await store.eventJSON(event)), ("invitee", await store.wire.inviteeJSON(invitee)),
        ]).response(.created)
    }
}
