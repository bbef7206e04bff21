import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Vapor

/// The app's Prometheus series (README › Metrics), through swift-metrics.
///
/// `crm` bootstraps swift-metrics with a Prometheus factory at start (`bootstrapMetrics`), so
/// Vapor's own HTTP series land in the same registry; the app's series are made with that factory.
/// An app that was not bootstrapped (the tests make many in one process) keeps a registry of its own.
final class AppMetrics: Sendable {
    let factory: PrometheusMetricsFactory
    var registry: PrometheusCollectorRegistry { factory.registry }

    init() {
        factory = (MetricsSystem.factory as? PrometheusMetricsFactory)
            ?? PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())
    }

    /// A webhook delivery answered: `outcome` is the stored state (processed, failed, ...) or why it
    /// was refused (`signature`, `unavailable`).
    func webhookDelivery(_ outcome: String) {
        Counter(label: "crm_webhook_deliveries_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// A reconcile with Calendly finished (the periodic one, "sync now", or `crm calendly sync`).
    func reconcile(succeeded: Bool) {
        Counter(label: "crm_reconcile_runs_total", dimensions: [("outcome", succeeded ? "succeeded" : "failed")], factory: factory).increment()
    }

    /// One request to Calendly's API: its method, and its status class or `error` when no answer came.
    func calendlyRequest(method: String, status: Int?, seconds: Double) {
        let outcome = status.map { $0 == 429 ? "429" : "\($0 / 100)xx" } ?? "error"
        Counter(label: "crm_calendly_requests_total", dimensions: [("method", method), ("status", outcome)], factory: factory).increment()
        Timer(label: "crm_calendly_request_duration_seconds", dimensions: [("method", method)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    /// A value read at scrape time from the database, so every instance reports the same truth.
    func set(_ name: String, _ value: Double) {
        Gauge(label: name, factory: factory).record(value)
    }
}

/// Makes swift-metrics report to Prometheus for the whole process; `crm` calls it once at start.
public func bootstrapMetrics() {
    MetricsSystem.bootstrap(PrometheusMetricsFactory())
}

extension Application {
    private struct AppMetricsKey: StorageKey { typealias Value = AppMetrics }

    /// Made in `configure`, before any request reads it.
    var metrics: AppMetrics {
        get { storage[AppMetricsKey.self] ?? AppMetrics() }
        set { storage[AppMetricsKey.self] = newValue }
    }
}
