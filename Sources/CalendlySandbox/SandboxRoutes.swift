import Vapor

/// Wires the sandbox's three faces onto one application: Calendly's API (token, rate limit,
/// misbehaviour), the browser side (widget assets, booking, cancel and reschedule pages), and
/// the `/_sandbox` control API that scripts and tests drive.
enum SandboxRoutes {
    static func register(_ app: Application, context: SandboxContext) {
        let api = app.grouped(APIGuardMiddleware(context: context)).grouped(GETBodyFiltersMiddleware())
        UserRoutes(context: context).register(on: api)
        EventTypeRoutes(context: context).register(on: api)
        ScheduledEventRoutes(context: context).register(on: api)
        NoShowRoutes(context: context).register(on: api)
        WebhookSubscriptionRoutes(context: context).register(on: api)
        SchedulingRoutes(context: context).register(on: api)
        registerBrowserAndControl(app, context: context)
    }
}
