import Fluent
import SQLKit
import Vapor

struct UpcomingMeetingsResponse: Content {
    var meetings: [ConsultationResponse]
}

/// Every `/api/calendar` route but the webhook: the Calendly configuration, upcoming meetings
/// (scheduled and not yet ended, soonest first), and sync.
struct CalendarAPIController {
    func config(req: Request) async throws -> CalendlyConfigResponse {
        let config = req.application.appConfig
        // `?fresh=true` skips the cache: the Calendar page asks so before opening the popup, so a
        // meeting type deleted in Calendly a moment ago is not offered.
        if try req.queryReader.bool("fresh") { await req.application.calendly.accountCache.invalidate() }
        let account = await req.application.calendly.account(config)
        let connection = try await CalendlyConnectionStore(db: req.db, sandbox: config.sandboxMode).load()
        let last = try await WebhookDelivery.query(on: req.db).max(\.$receivedAt)
        return CalendlyConfigReport(config: config, account: account, storedConnection: connection, lastDeliveryAt: last).build()
    }

    /// Scheduled meetings that have not ended, soonest first; nearly always answered from the cache.
    func upcoming(req: Request) throws -> EventLoopFuture<Response> {
        let filters = try UpcomingMeetingsQuery(req.queryReader)
        let meetings = req.upcomingMeetings
        return req.cachedJSON(filters, in: req.application.readCaches.upcomingJSON,
                              build: { try await meetings.json(filters, version: $0) })
    }

    struct SyncRequest: Content {
        var inviteeURI: String?
        enum CodingKeys: String, CodingKey { case inviteeURI = "invitee_uri" }
    }

    struct SyncResponse: Content {
        var created: Int
        var updated: Int
        var unchanged: Int
        var failed: Int
        /// The recorded meeting, when one invitee was asked for.
        var consultation: ConsultationResponse?
    }

    func sync(req: Request) async throws -> SyncResponse {
        let body = (req.body.data?.readableBytes ?? 0) > 0 ? try req.decodeJSON(SyncRequest.self) : SyncRequest()
        let sync = try Self.calendlySync(req)
        do {
            if let uri = body.inviteeURI {
                guard CalendlySync.isInviteeURI(uri) else {
                    throw AppError.badRequest(field: "invitee_uri", message: "is not a Calendly invitee URI (…/scheduled_events/{id}/invitees/{id})")
                }
                let (outcome, consultation) = try await sync.record(inviteeURI: uri)
                var counts = CalendlySync.Counts()
                counts.add(outcome)
                return SyncResponse(created: counts.created, updated: counts.updated, unchanged: counts.unchanged, failed: 0,
                                    consultation: try await ConsultationResponse(consultation).withFollowUps(on: req.db))
            }
            let counts = try await req.application.reconcileWithCalendly(rateLimitWait: CalendlySync.requestRateLimitWait)
            return SyncResponse(created: counts.created, updated: counts.updated, unchanged: counts.unchanged, failed: counts.failed)
        } catch let error as CalendlyError {
            throw error.asAppError
        }
    }

    private static func calendlySync(_ req: Request) throws -> CalendlySync {
        do {
            return try req.application.calendlySync(rateLimitWait: CalendlySync.requestRateLimitWait)
        } catch let error as CalendlyError {
            throw error.asAppError
        }
    }
}

extension CalendlyError {
    /// How a Calendly failure reaches an API client: the dependency is down or not configured.
    var asAppError: AppError {
        switch self {
        case .notFound: .notFound("Calendly invitee")
        case .rateLimited(let seconds): .throttled(retryAfter: seconds, message: "\(message) Try again in \(seconds) seconds.")
        default: .unavailable("\(message) \(hint)")
        }
    }
}
