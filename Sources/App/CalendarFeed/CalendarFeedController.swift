import Fluent
import Vapor

/// The calendar feed (SPEC 12): the `.ics` behind its secret address, and the API that makes and
/// revokes the address.
struct CalendarFeedController {
    struct FeedURL: Content {
        var url: String
    }

    /// Open (calendar apps send no cookies): the token in the path is the key. A wrong or revoked
    /// token is a 404, as for an address that never existed.
    func feed(req: Request) async throws -> Response {
        guard let token = req.parameters.get("token"), try await req.calendarFeeds.find(token: token) != nil else {
            throw AppError.notFound("Calendar feed")
        }
        let consultations = try await ConsultationsCalendar.load(on: req.db)
        let body = ConsultationsCalendar.render(consultations, baseURL: req.application.appConfig.publicBaseURL)
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-cache")
        return response
    }

    func make(req: Request) async throws -> Response {
        let token = try await req.calendarFeeds.make()
        await req.audit.record(.calendarFeedChanged, .succeeded, "new address made")
        return try await FeedURL(url: Self.url(token: token, config: req.application.appConfig)).encodeResponse(status: .created, for: req)
    }

    func revoke(req: Request) async throws -> HTTPStatus {
        try await req.calendarFeeds.revoke()
        await req.audit.record(.calendarFeedChanged, .succeeded, "address revoked")
        return .noContent
    }

    static func url(token: String, config: AppConfig) -> String {
        config.publicBaseURL.absoluteString.trimmingSuffix("/") + AppRoute.Pattern.calendarFeed.filled(token)
    }
}

extension Request {
    var calendarFeeds: CalendarFeeds { CalendarFeeds(db: db, writer: application.databaseWriter) }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
