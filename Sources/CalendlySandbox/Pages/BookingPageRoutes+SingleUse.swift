import Vapor

/// Single-use links (`POST /scheduling_links`): `/d/<token>/<event-slug>` is the usual booking
/// page, with the usual prefill and UTM values, until it has booked once; from then on it says
/// so, with 410 Gone, whether opened or posted to.
extension BookingPageRoutes {
    func registerSingleUse(on app: Application) {
        app.get("d", ":token", ":event", use: showSingleUse)
        app.post("d", ":token", ":event", use: submitSingleUse)
    }

    @Sendable func showSingleUse(_ req: Request) async throws -> Response {
        switch await singleUseType(req) {
        case .failure(let failure): return failure.page
        case .success(let type):
            return await bookingPage(type, (try? req.query.decode(BookingForm.self)) ?? BookingForm(), error: nil)
        }
    }

    @Sendable func submitSingleUse(_ req: Request) async throws -> Response {
        switch await singleUseType(req) {
        case .failure(let failure): return failure.page
        case .success(let type):
            return await book(type, form: Self.postedForm(req), link: req.parameters.get("token"))
        }
    }

    /// The link's event type, or the page to answer instead.
    private func singleUseType(_ req: Request) async -> Result<EventTypeRecord, PageFailure> {
        let store = context.store
        guard let link = await store.schedulingLink(token: req.parameters.get("token") ?? ""),
              let type = await store.eventType(uuid: link.eventTypeUUID),
              type.slug == req.parameters.get("event") else {
            return .failure(PageFailure(Page.notFound("This Calendly URL is not valid.")))
        }
        guard link.bookedInvitee == nil else { return .failure(PageFailure(Self.linkUsedPage())) }
        guard type.active else {
            return .failure(PageFailure(Page.notFound("This event type is turned off.")))
        }
        return .success(type)
    }

    static func linkUsedPage() -> Response {
        Page(title: "Link used", kind: "link-used",
             body: "<h1 id=\"link-used\">This link has already been used</h1><p>A single-use link books one meeting. "
                 + "Ask for a new link to book another.</p>",
             status: .gone).response()
    }
}

/// A page answered instead of the booking page (a `Result` needs an `Error`).
struct PageFailure: Error, @unchecked Sendable {
    let page: Response
    init(_ page: Response) { self.page = page }
}
