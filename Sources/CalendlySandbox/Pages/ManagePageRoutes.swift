import Vapor

/// The invitee's `cancel_url` and `reschedule_url` pages. They change the booking exactly as
/// Calendly does: a cancel by the invitee, or a reschedule (cancel + new booking, linked).
struct ManagePageRoutes {
    let context: SandboxContext

    func register(on app: Application) {
        app.get("cancellations", ":invitee", use: showCancel)
        app.post("cancellations", ":invitee", use: submitCancel)
        app.get("reschedulings", ":invitee", use: showReschedule)
        app.post("reschedulings", ":invitee", use: submitReschedule)
    }

    private func lookup(_ req: Request) async -> (InviteeRecord, ScheduledEventRecord, EventTypeRecord)? {
        let store = context.store
        guard let invitee = await store.invitee(uuid: req.parameters.get("invitee") ?? ""),
              let event = await store.event(uuid: invitee.eventUUID),
              let type = await store.eventType(uuid: event.eventTypeUUID) else { return nil }
        return (invitee, event, type)
    }

    private func summary(_ event: ScheduledEventRecord, _ invitee: InviteeRecord) -> String {
        "<p class=\"details\">\(HTML.escape(event.name)) · \(HTML.escape(CalendlyTime.display(event.start))) · \(HTML.escape(invitee.name))</p>"
    }

    @Sendable func showCancel(_ req: Request) async throws -> Response {
        guard let (invitee, event, _) = await lookup(req) else { return Page.notFound("No such booking.") }
        var body = "<h1>Cancel event</h1>" + summary(event, invitee)
        if invitee.status == "canceled" {
            body += "<p class=\"done\" id=\"already-canceled\">This event has already been canceled.</p>"
        } else {
            body += """
            <form method="post"><label class="field" for="reason">Reason for canceling</label>
            <textarea id="reason" name="reason" rows="3"></textarea>
            <button type="submit" id="cancel-event">Cancel Event</button></form>
            """
        }
        return Page(title: "Cancel event", kind: "cancel", body: body).response()
    }

    @Sendable func submitCancel(_ req: Request) async throws -> Response {
        guard let (invitee, event, _) = await lookup(req) else { return Page.notFound("No such booking.") }
        let form = (try? req.content.decode(BookingForm.self)) ?? BookingForm()
        do {
            let webhooks = try await context.store.cancel(inviteeUUID: invitee.uuid, byHost: false,
                                                          reason: form.reason.nonEmpty)
            await context.publish(webhooks)
        } catch {
            let body = "<h1>Cancel event</h1>" + summary(event, invitee)
                + "<p class=\"error\" role=\"alert\">\(HTML.escape(error.message))</p>"
            return Page(title: "Cancel event", kind: "cancel", body: body, status: .badRequest).response()
        }
        let body = "<h1 id=\"canceled\">Cancellation confirmed</h1>" + summary(event, invitee)
        return Page(title: "Canceled", kind: "canceled", body: body).response()
    }

    @Sendable func showReschedule(_ req: Request) async throws -> Response {
        guard let (invitee, event, type) = await lookup(req) else { return Page.notFound("No such booking.") }
        return await reschedulePage(invitee, event, type, error: nil)
    }

    @Sendable func submitReschedule(_ req: Request) async throws -> Response {
        guard let (invitee, event, type) = await lookup(req) else { return Page.notFound("No such booking.") }
        let form = (try? req.content.decode(BookingForm.self)) ?? BookingForm()
        guard let raw = form.start_time, let start = CalendlyTime.parse(raw) else {
            return await reschedulePage(invitee, event, type, error: "Please pick a new time.")
        }
        do {
            let (new, webhooks) = try await context.store.reschedule(inviteeUUID: invitee.uuid, to: start,
                                                                     reason: form.reason.nonEmpty)
            await context.publish(webhooks)
            guard let newEvent = await context.store.event(uuid: new.eventUUID) else { throw CalendlyError.notFound }
            // No postMessage here: Calendly posts none for reschedules (REFERENCE.md §5.4).
            var page = BookingPageView.scheduled(event: newEvent, invitee: new, wire: await context.store.wire,
                                                 form: BookingForm(), heading: "Your event has been rescheduled")
            page.kind = "rescheduled"
            return page.response()
        } catch let error as CalendlyError {
            return await reschedulePage(invitee, event, type, error: error.details.first?.message ?? error.message)
        }
    }

    private func reschedulePage(_ invitee: InviteeRecord, _ event: ScheduledEventRecord, _ type: EventTypeRecord,
                                error: String?) async -> Response {
        var body = "<h1>Reschedule event</h1>" + summary(event, invitee)
        if let error { body += "<p class=\"error\" role=\"alert\">\(HTML.escape(error))</p>" }
        if invitee.status == "canceled" {
            body += "<p class=\"done\" id=\"already-canceled\">This event was canceled or already rescheduled.</p>"
        } else {
            let slots = await context.store.freeSlots(for: type, ignoringEvent: event.uuid)
            body += "<form method=\"post\">" + BookingPageView.slotPicker(slots, chosen: nil)
            body += "<label class=\"field\" for=\"reason\">Reason for rescheduling</label>"
            body += "<textarea id=\"reason\" name=\"reason\" rows=\"2\"></textarea>"
            body += "<button type=\"submit\" id=\"reschedule-event\">Reschedule Event</button></form>"
        }
        return Page(title: "Reschedule event", kind: "reschedule", body: body,
                    status: error == nil ? .ok : .badRequest).response()
    }
}
