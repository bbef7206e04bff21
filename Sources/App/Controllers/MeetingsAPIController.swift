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

    func upcoming(req: Request) async throws -> Response {
        let query = req.queryReader
        let limit = try query.int("limit", default: 50, range: 1...500)
        let filters = UpcomingMeetingsQuery(limit: limit, includeCanceled: try query.bool("include_canceled"),
                                            studentID: try query.uuid("student_id"), from: try query.date("from"))
        return PlainJSON.response(encoded: try await req.upcomingMeetings.json(filters, version: try await req.dataVersion()))
    }
}
