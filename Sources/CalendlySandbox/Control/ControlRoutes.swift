import Vapor

extension SandboxRoutes {
    static func registerBrowserAndControl(_ app: Application, context: SandboxContext) {
        let control = app.grouped("_sandbox").grouped(LoopbackOnlyMiddleware())
        ControlRoutes(context: context).register(on: control)
        MisbehaviourRoutes(context: context).register(on: control)
        BookingLimitRoutes(context: context).register(on: control)
        InviteeChangeRoutes(context: context).register(on: control)
        EventTypeControlRoutes(context: context).register(on: control)
        TestPageRoutes(context: context).register(on: control)
        RequestLogRoutes(context: context).register(on: control)
        AssetRoutes().register(on: app)
        BookingPageRoutes(context: context).register(on: app)
        ManagePageRoutes(context: context).register(on: app)
    }
}

/// The control API changes anything without a token, so only this machine may call it.
struct LoopbackOnlyMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let ip = request.remoteAddress?.ipAddress ?? ""
        guard ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.") else {
            throw CalendlyError.permissionDenied("The sandbox control API answers loopback callers only.")
        }
        return try await next.respond(to: request)
    }
}

/// `/_sandbox/...`: drive traffic without a browser, and read back the sandbox's truth.
struct ControlRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.get(use: index)
        control.post("bookings", use: book)
        control.post("invitees", ":uuid", "cancel", use: cancel)
        control.post("invitees", ":uuid", "reschedule", use: reschedule)
        control.post("invitees", ":uuid", "no_show", use: markNoShow)
        control.delete("invitees", ":uuid", "no_show", use: unmarkNoShow)
        control.get("truth", use: truth)
        control.get("slots", use: slots)
        control.post("tokens", use: issueToken)
    }

    /// `POST /_sandbox/tokens {"scopes": [...]}`: a personal access token with just those scopes.
    @Sendable func issueToken(_ req: Request) async throws -> Response {
        struct Body: Decodable { var scopes: [String]? }
        let body = try req.calendlyBody(Body.self)
        let scopes = body.scopes ?? []
        if let unknown = scopes.first(where: { !TokenScopes.all.contains($0) }) {
            throw CalendlyError.invalidArgument("scopes", "unknown scope \(unknown); known: \(TokenScopes.all.joined(separator: ", "))")
        }
        let token = context.tokens.issue(scopes: scopes)
        return JSON.object([("token", .string(token)), ("scopes", .array(scopes.map(JSON.string)))]).response(.created)
    }

    @Sendable func book(_ req: Request) async throws -> Response {
        let body = try req.calendlyBody(ControlBookingBody.self)
        let store = context.store
        guard let type = await store.eventType(reference: body.event_type ?? "") else {
            throw CalendlyError.invalidArgument("event_type", "event_type must name an event type (URI, uuid or slug)")
        }
        let start: Date
        if let raw = body.start_time {
            guard let parsed = CalendlyTime.parse(raw) else {
                throw CalendlyError.invalidArgument("start_time", "start_time must be an ISO 8601 time")
            }
            start = parsed
        } else {
            guard let first = await store.freeSlots(for: type, days: 30).first else {
                throw CalendlyError.invalidArgument("start_time", "no free time left")
            }
            start = first
        }
        let request = BookingRequest(eventTypeUUID: type.uuid, start: start, name: body.name ?? "",
                                     email: body.email ?? "", answers: body.answers?.list ?? [],
                                     tracking: body.trackingValue, timezone: body.timezone ?? "UTC")
        let (invitee, webhooks) = try await store.book(request)
        await context.publish(webhooks)
        return try await bookingAnswer(invitee)
    }

    @Sendable func cancel(_ req: Request) async throws -> Response {
        let body = try req.calendlyBody(ControlCancelBody.self)
        let byHost = body.canceled_by == "host" || body.canceler_type == "host"
        let webhooks = try await context.store.cancel(inviteeUUID: req.parameters.get("uuid") ?? "",
                                                      byHost: byHost, reason: body.reason)
        await context.publish(webhooks)
        return try await inviteeAnswer(req.parameters.get("uuid") ?? "")
    }

    @Sendable func reschedule(_ req: Request) async throws -> Response {
        let body = try req.calendlyBody(ControlRescheduleBody.self)
        guard let raw = body.start_time, let start = CalendlyTime.parse(raw) else {
            throw CalendlyError.invalidArgument("start_time", "start_time must be an ISO 8601 time")
        }
        let (invitee, webhooks) = try await context.store.reschedule(
            inviteeUUID: req.parameters.get("uuid") ?? "", to: start, reason: body.reason)
        await context.publish(webhooks)
        return try await bookingAnswer(invitee)
    }

    @Sendable func markNoShow(_ req: Request) async throws -> Response {
        let store = context.store
        guard let invitee = await store.invitee(uuid: req.parameters.get("uuid") ?? "") else {
            throw CalendlyError.notFound
        }
        let (record, webhooks) = try await store.markNoShow(invitee.key)
        await context.publish(webhooks)
        return JSON.object([("resource", await store.wire.noShowJSON(record))]).response(.created)
    }

    @Sendable func unmarkNoShow(_ req: Request) async throws -> Response {
        let store = context.store
        guard let noShow = await store.invitee(uuid: req.parameters.get("uuid") ?? "")?.noShow else {
            throw CalendlyError.notFound
        }
        await context.publish(try await store.unmarkNoShow(uuid: noShow.uuid))
        return Response(status: .noContent)
    }

    /// What the control API offers, for someone poking at the sandbox by hand.
    @Sendable func index(_ req: Request) async throws -> Response {
        let wire = await context.store.wire
        let routes = [
            "POST /_sandbox/bookings {event_type, start_time?, name, email, answers?, tracking?|utm_*?, timezone?}",
            "POST /_sandbox/invitees/{uuid}/cancel {canceled_by: invitee|host, reason?}",
            "POST /_sandbox/invitees/{uuid}/reschedule {start_time, reason?}",
            "POST|DELETE /_sandbox/invitees/{uuid}/no_show",
            "POST /_sandbox/invitees/{uuid}/reconfirmation", "POST /_sandbox/invitees/{uuid}/reconfirm",
            "POST /_sandbox/invitees/{uuid}/move {location, kind?: physical|custom, canceled_by?: host|invitee}",
            "GET|POST /_sandbox/booking_limits {per_minute?, per_hour?, per_day?, reset?}",
            "POST /_sandbox/event_types/{slug}/questions {questions: [{name, type?, required?, answer_choices?}]}",
            "GET /_sandbox/truth", "GET /_sandbox/slots?event_type=slug",
            "GET|POST /_sandbox/misbehaviour", "POST /_sandbox/webhooks/flush", "GET /_sandbox/deliveries",
            "GET /_sandbox/requests",
            "GET /_sandbox/test-page?event_type=slug",
            "POST /_sandbox/tokens {scopes: [users:read, ...]}",
        ]
        return JSON.object([
            ("base_url", .string(wire.base)), ("api_token", .string(context.options.apiToken)),
            ("user", .string(wire.userURI)), ("organization", .string(wire.organizationURI)),
            ("widget_script_url", .string(wire.base + "/assets/external/widget.js")),
            ("control", .array(routes.map(JSON.string))),
        ]).response()
    }

    @Sendable func truth(_ req: Request) async throws -> Response {
        await context.store.truthJSON().response()
    }

    @Sendable func slots(_ req: Request) async throws -> Response {
        let store = context.store
        guard let type = await store.eventType(reference: req.query[String.self, at: "event_type"] ?? "") else {
            throw CalendlyError.invalidArgument("event_type", "event_type must name an event type")
        }
        let slots = await store.freeSlots(for: type)
        return JSON.object([("slots", .array(slots.map { .string(CalendlyTime.format($0)) }))]).response()
    }

    private func bookingAnswer(_ invitee: InviteeRecord) async throws -> Response {
        let store = context.store
        guard let event = await store.event(uuid: invitee.eventUUID) else { throw CalendlyError.notFound }
        return JSON.object([
            ("event", await store.eventJSON(event)), ("invitee", await store.wire.inviteeJSON(invitee)),
        ]).response(.created)
    }

    private func inviteeAnswer(_ uuid: String) async throws -> Response {
        guard let invitee = await context.store.invitee(uuid: uuid) else { throw CalendlyError.notFound }
        return JSON.object([("invitee", await context.store.wire.inviteeJSON(invitee))]).response()
    }
}
