@testable import App
import Foundation
import Testing
import VaporTesting

/// `GET /metrics` at the HTTP level; `e2e/api/test_metrics.py` reads it with a Prometheus parser
/// against `crm serve` and the sandbox.
@Suite("Metrics endpoint")
struct MetricsTests {
    @Test func onlyAnAPITokenMayScrape() async throws {
        try await withTestApp { t in
            let anonymous = try await t.app.testing().sendRequest(.GET, "/metrics")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.body.string.contains("\"error\""))
            // A signed-in browser is not a scraper: the session cookie is not enough.
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            #expect(try await browser.get("/metrics").status == .unauthorized)
            let scraped = try await t.app.testing().sendRequest(.GET, "/metrics", headers: t.bearer)
            #expect(scraped.status == .ok)
            #expect(scraped.headers.first(name: .contentType) == "text/plain; version=0.0.4; charset=utf-8")
            #expect(scraped.body.string.contains("crm_consultations_upcoming 0"))
        }
    }

    @Test func theSearchQueueIsCountedUntilItIsIndexed() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student("Ana Lima", email: "ana@example.com", on: t.app)
            _ = try await SearchCorpus.consultation(for: student, daysAgo: 1, topic: "Thesis review", notes: "chapter two", on: t.app)
            #expect(try await t.metric("crm_search_pending") == 2)
            try await SearchIndex.drain(on: t.app.db, writer: t.app.databaseWriter, memory: t.app.searchMemory)
            #expect(try await t.metric("crm_search_pending") == 0)
            // Two records are far from a merge's worth, on SQLite; PostgreSQL never merges.
            #expect(try await t.metric("crm_search_index_merging") == 0)
        }
    }

    @Test func aDeliveryMovesItsCounterAndTheLastDeliveryTime() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let body = try CalendlyPayloads.envelope("invitee.created", createdAt: "2031-11-24T14:00:02.000000Z",
                                                     payload: CalendlyPayloads.invitee(.init()))
            #expect(try await t.deliver(body).status == .ok)
            #expect(try await t.deliver(body).status == .ok)
            let refused = try await t.deliver(body, headers: CalendlyPayloads.headers(for: body, key: "another-key"))
            #expect(refused.status == .unauthorized)
            let text = try await t.app.testing().sendRequest(.GET, "/metrics", headers: t.bearer).body.string
            #expect(text.contains("crm_webhook_deliveries_total{outcome=\"processed\"} 1"))
            #expect(text.contains("crm_webhook_deliveries_total{outcome=\"duplicate\"} 1"))
            #expect(text.contains("crm_webhook_deliveries_total{outcome=\"signature_refused\"} 1"))
            let last = try #require(text.firstMatch(of: /crm_webhook_last_delivery_timestamp_seconds ([0-9.e+]+)/)).1
            #expect(abs((Double(last) ?? 0) - Date().timeIntervalSince1970) < 60)
        }
    }
}
