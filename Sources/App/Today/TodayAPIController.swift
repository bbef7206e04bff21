import Fluent
import Vapor

/// `GET /api/today`: what the Today page shows, as data. Reading it does not count as looking:
/// "what changed" stays relative to the owner's last visit to the page.
struct TodayAPIController {
    struct CacheKey: Hashable, Sendable {
        var zone: String
        var seenSince: Date?
    }

    func today(req: Request) throws -> EventLoopFuture<Response> {
        let account = req.auth.get(Account.self)
        let zone = account?.zone ?? .gmt
        let key = CacheKey(zone: zone.identifier, seenSince: account?.todaySeenAt)
        let cache = req.application.readCaches.today
        let db = req.db, app = req.application
        let attentionAfterDays = app.appConfig.attentionAfterDays
        return req.cachedJSON(key, in: cache, build: { version in
            let now = Date()
            let summary = try await TodaySummary.load(now: now, zone: zone, attentionAfterDays: attentionAfterDays, seenSince: key.seenSince, on: db)
            let response = TodayResponse(summary, zone: zone, now: now, bookingLinks: await TodayResponse.bookingLinks(app))
            let body = ByteBuffer(data: try PlainJSON.encode(response))
            // Booking links come from Calendly, which the data version does not watch: look again within minutes.
            cache.store(body, for: key, version: version, expires: min(summary.expires, now.addingTimeInterval(300)))
            return body
        })
    }
}
