import Vapor

/// The booking pages at the scheduling URLs: `/<user-slug>` lists the event types,
/// `/<user-slug>/<event-slug>` books one, as the widget's iframe does, and
/// `/<user-slug>/<event-slug>/<time>` opens it at a time (the `scheduling_url` of an open time).
struct BookingPageRoutes {
    let context: SandboxContext

    func register(on app: Application) {
        let slug = PathComponent(stringLiteral: DemoData.userSlug)
        app.get(slug, use: profile)
        app.get(slug, ":event", use: show)
        app.post(slug, ":event", use: submit)
        app.get(slug, ":event", ":time", use: show)
        app.post(slug, ":event", ":time", use: submit)
        registerSingleUse(on: app)
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
        guard let type = await context.store.eventType(slug: req.parameters.get("event") ?? ""), type.active else {
            return Page.notFound("This Calendly URL is not valid, or the event type is turned off.")
        }
        var form = (try? req.query.decode(BookingForm.self)) ?? BookingForm()
        if form.start_time == nil, let time = req.parameters.get("time").flatMap(CalendlyTime.parse) {
            form.start_time = CalendlyTime.format(time)
        }
        return await bookingPage(type, form, error: nil)
    }

    @Sendable func submit(_ req: Request) async throws -> Response {
        guard let type = await context.store.eventType(slug: req.parameters.get("event") ?? ""), type.active else {
            return Page.notFound("This Calendly URL is not valid, or the event type is turned off.")
        }
        return await book(type, form: Self.postedForm(req), link: nil)
    }

    /// The query's fields (prefill, UTM, embed settings) unless the POST carries its own.
    static func postedForm(_ req: Request) -> BookingForm {
        (try? req.content.decode(BookingForm.self)) ?? (try? req.query.decode(BookingForm.self)) ?? BookingForm()
    }

    /// Books from a posted form, through a single-use link when `link` names one.
    func book(_ type: EventTypeRecord, form: BookingForm, link: String?) async -> Response {
        let store = context.store
        guard let raw = form.start_time, let start = CalendlyTime.parse(raw) else {
            return await bookingPage(type, form, error: "Please pick a time.")
        }
        let zone = form.timezone.nonEmpty ?? "UTC"
        guard TimeZone(identifier: zone) != nil else {
            return await bookingPage(type, form, error: "Please pick a time zone from the list.")
        }
        let request = BookingRequest(eventTypeUUID: type.uuid, start: start, name: form.fullName,
                                     email: form.email ?? "", answers: form.answers, tracking: form.tracking,
                                     timezone: zone)
        do {
            let (invitee, webhooks) = if let link {
                try await store.book(request, viaLink: link)
            } else {
                try await store.book(request)
            }
            await context.publish(webhooks)
            guard let event = await store.event(uuid: invitee.eventUUID) else { throw CalendlyError.notFound }
            return BookingPageView.scheduled(event: event, invitee: invitee, wire: await store.wire, form: form)
                .response()
        } catch let error as CalendlyError where error.status == .gone {
            return Self.linkUsedPage()
        } catch let error as CalendlyError {
            return await bookingPage(type, form, error: error.details.first?.message ?? error.message)
        } catch {
            return await bookingPage(type, form, error: "Something went wrong; please try again.")
        }
    }

    func bookingPage(_ type: EventTypeRecord, _ form: BookingForm, error: String?) async -> Response {
        var slots = await context.store.freeSlots(for: type)
        // A page opened at a time (an open time's `scheduling_url`) lists that time even when it
        // falls outside the days shown by default, such as later today, as Calendly's page does.
        if let chosen = form.start_time.flatMap(CalendlyTime.parse), !slots.contains(chosen),
           await context.store.isOpenTime(chosen, for: type) {
            slots = (slots + [chosen]).sorted()
        }
        return BookingPageView.booking(type: type, hostName: await context.store.wire.user.name, slots: slots,
                                       form: form, error: error).response()
    }
}
