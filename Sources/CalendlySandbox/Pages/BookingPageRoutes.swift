import Vapor

/// The booking pages at the scheduling URLs: `/<user-slug>` lists the event types and
/// `/<user-slug>/<event-slug>` books one, as the widget's iframe does.
struct BookingPageRoutes {
    let context: SandboxContext

    func register(on app: Application) {
        let slug = PathComponent(stringLiteral: DemoData.userSlug)
        app.get(slug, use: profile)
        app.get(slug, ":event", use: show)
        app.post(slug, ":event", use: submit)
    }

    @Sendable func profile(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let form = (try? req.query.decode(BookingForm.self)) ?? BookingForm()
        let types = await store.eventTypes(active: true).filter { !$0.secret }
        let items = types.map { "<li><a href=\"\(HTML.escape(wire.schedulingURL($0)))\">\(HTML.escape($0.name))</a> (\($0.duration) min)</li>" }
        let body = "<h1>\(HTML.escape(wire.user.name))</h1><ul>\(items.joined())</ul>"
        return Page(title: wire.user.name, kind: "profile", attributes: form.embedAttributes, body: body).response()
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let store = context.store
        guard let type = await store.eventType(slug: req.parameters.get("event") ?? ""), type.active else {
            return Page.notFound("This Calendly URL is not valid, or the event type is turned off.")
        }
        let form = (try? req.query.decode(BookingForm.self)) ?? BookingForm()
        let slots = await store.freeSlots(for: type)
        return BookingPageView.booking(type: type, hostName: await store.wire.user.name, slots: slots,
                                       form: form, error: nil).response()
    }

    @Sendable func submit(_ req: Request) async throws -> Response {
        let store = context.store
        guard let type = await store.eventType(slug: req.parameters.get("event") ?? ""), type.active else {
            return Page.notFound("This Calendly URL is not valid, or the event type is turned off.")
        }
        var form = (try? req.query.decode(BookingForm.self)) ?? BookingForm()
        if let posted = try? req.content.decode(BookingForm.self) { form = posted }
        guard let raw = form.start_time, let start = CalendlyTime.parse(raw) else {
            return await retry(type, form, "Please pick a time.")
        }
        let request = BookingRequest(eventTypeUUID: type.uuid, start: start, name: form.fullName,
                                     email: form.email ?? "", answers: form.answers, tracking: form.tracking,
                                     timezone: form.timezone.nonEmpty ?? "UTC")
        do {
            let (invitee, webhooks) = try await store.book(request)
            await context.publish(webhooks)
            guard let event = await store.event(uuid: invitee.eventUUID) else { throw CalendlyError.notFound }
            return BookingPageView.scheduled(event: event, invitee: invitee, wire: await store.wire, form: form)
                .response()
        } catch let error as CalendlyError {
            return await retry(type, form, error.details.first?.message ?? error.message)
        }
    }

    private func retry(_ type: EventTypeRecord, _ form: BookingForm, _ message: String) async -> Response {
        let slots = await context.store.freeSlots(for: type)
        return BookingPageView.booking(type: type, hostName: await context.store.wire.user.name, slots: slots,
                                       form: form, error: message).response()
    }
}
