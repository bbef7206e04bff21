import Fluent
import Vapor

struct UpcomingMeetingsResponse: Content {
    var meetings: [ConsultationResponse]
}

/// `GET /api/calendar/meetings/upcoming`: scheduled meetings that have not ended, soonest first.
struct MeetingsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("calendar", "meetings", "upcoming", use: upcoming)
    }

    /// Written with futures: the answer is nearly always cached, and then costs no task or thread hop.
    func upcoming(req: Request) throws -> EventLoopFuture<Response> {
        let query = req.queryReader
        let filters = UpcomingMeetingsQuery(limit: try query.int("limit", default: 50, range: 1...500),
                                            includeCanceled: try query.bool("include_canceled"),
                                            studentID: try query.uuid("student_id"), from: try query.date("from"))
        let meetings = req.upcomingMeetings
        return req.dataVersionFuture().flatMap { version in
            if let cached = meetings.cachedJSON(filters, version: version) {
                return req.eventLoop.makeSucceededFuture(PlainJSON.response(encoded: cached))
            }
            return req.eventLoop.makeFutureWithTask {
                PlainJSON.response(encoded: try await meetings.json(filters, version: version))
            }
        }
    }
}
