import Fluent
import SQLKit
import Vapor

/// `GET /metrics`: the Prometheus text format, for an API token (the series name the owner's
/// activity). Gauges are read from the database as the scrape asks, so whichever instance answers
/// tells the same about the last delivery, what is waiting and the last sync; the subscription is
/// as this instance's Calendly look-up last saw it.
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
        let sql = try req.db.sql()
        metrics.set("crm_search_pending", Double(try await SearchIndex.pendingCount(on: sql)))
        let merging = try await SQLiteSearchCompaction.underwayOrDue(memory: app.searchMemory, on: sql)
        metrics.set("crm_search_index_merging", merging ? 1 : 0)
        let upcoming = try await Consultation.query(on: req.db).filter(\.$status == .scheduled).filter(\.$consultationDate > now).count()
        metrics.set("crm_consultations_upcoming", Double(upcoming))
        let connection = try await CalendlyConnectionStore(db: req.db, sandbox: app.appConfig.sandboxMode).load()
        metrics.set("crm_reconcile_last_success_timestamp_seconds", connection?.lastSyncAt?.timeIntervalSince1970 ?? 0)
        let configured = app.appConfig.calendly.isConfigured
        metrics.set("crm_calendly_configured", configured ? 1 : 0)
        if configured {
            // As this instance last saw it (the look-up is cached). When Calendly cannot be asked,
            // `crm_calendly_reachable` says so and the subscription gauge keeps its last value,
            // rather than reading 0 and setting off the subscription alert.
            let account = try? await app.calendly.account(app.appConfig).get()
            metrics.set("crm_calendly_reachable", account == nil ? 0 : 1)
            if let account { metrics.set("crm_calendly_subscription_active", account.subscription?.state == "active" ? 1 : 0) }
        }
        var body = ByteBuffer()
        body.writeBytes(metrics.registry.emitToBuffer())
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }
}
