import Fluent
import Vapor

/// `GET /metrics`: the Prometheus text format, for an API token (the series name the owner's
/// activity). Gauges are read from the database as the scrape asks, so whichever instance answers
/// tells the same: the last delivery, what is waiting, the subscription, the last sync.
struct MetricsController {
    func scrape(req: Request) async throws -> Response {
        let app = req.application, metrics = app.metrics
        let now = Date()
        let lastDelivery = try await WebhookDelivery.query(on: req.db).max(\.$receivedAt)
        metrics.set("crm_webhook_last_delivery_timestamp_seconds", lastDelivery?.timeIntervalSince1970 ?? 0)
        for state in [WebhookDeliveryState.failed, .pending] {
            let count = try await WebhookDelivery.query(on: req.db).filter(\.$state == state).count()
            metrics.set("crm_webhook_deliveries_\(state.rawValue)", Double(count))
        }
        let upcoming = try await Consultation.query(on: req.db).filter(\.$status == .scheduled).filter(\.$consultationDate > now).count()
        metrics.set("crm_consultations_upcoming", Double(upcoming))
        let connection = try await CalendlyConnectionStore(db: req.db, sandbox: app.appConfig.sandboxMode).load()
        metrics.set("crm_reconcile_last_success_timestamp_seconds", connection?.lastSyncAt?.timeIntervalSince1970 ?? 0)
        let configured = app.appConfig.calendly.isConfigured
        metrics.set("crm_calendly_configured", configured ? 1 : 0)
        if configured {
            // The account look-up is cached (and asks Calendly only when the cache is stale).
            let active = (try? await app.calendly.account(app.appConfig).get())?.subscription?.state == "active"
            metrics.set("crm_calendly_subscription_active", active ? 1 : 0)
        }
        var body = ByteBuffer()
        body.writeBytes(metrics.registry.emitToBuffer())
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }
}
