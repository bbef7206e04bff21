import Fluent
import Foundation
import Vapor

/// The filters of an upcoming-meetings read (`GET /api/calendar/meetings/upcoming`).
struct UpcomingMeetingsQuery: Hashable, Sendable {
    var limit = 50
    var includeCanceled = false
    var studentID: UUID?
    var from: Date?
}

extension UpcomingMeetingsQuery {
    /// The filters from the query string; a bad value is a 400 that names its parameter.
    init(_ query: QueryReader) throws {
        self.init(limit: try query.int("limit", default: 50, range: 1...500), includeCanceled: try query.bool("include_canceled"),
                  studentID: try query.uuid("student_id"), from: try query.date("from"))
    }
}

/// Upcoming meetings, built once per change of data rather than on every poll and page load.
///
/// A list stays right until the data changes (`DataVersion`) or its first meeting ends and drops
/// out; nothing else can change it, since a meeting only enters it by being written.
struct UpcomingMeetings: Sendable {
    let db: any Database
    let caches: ReadCaches

    /// The API's answer, encoded. `version` is the `DataVersion` read before anything here.
    func json(_ query: UpcomingMeetingsQuery, version: Int64, now: Date = Date()) async throws -> ByteBuffer {
        if let cached = caches.upcomingJSON.value(for: query, version: version, now: now) { return cached }
        let rows = try await ConsultationRow.upcoming(now: now, includeCanceled: query.includeCanceled, studentID: query.studentID,
                                                   from: query.from, limit: query.limit, on: try db.sql())
        let meetings = try await rows.map(ConsultationResponse.init).withFollowUps(on: db)
        let body = ByteBuffer(data: try PlainJSON.encode(UpcomingMeetingsResponse(meetings: meetings)))
        caches.upcomingJSON.store(body, for: query, version: version, expires: Self.firstEnd(of: rows))
        return body
    }

    /// The Calendar page's table as HTML for one time zone; `render` builds it from the rows.
    func table(zone: String, limit: Int, version: Int64, now: Date = Date(),
               render: ([ConsultationRow.WithStudent]) async throws -> String) async throws -> String {
        if let cached = caches.upcomingTables.value(for: zone, version: version, now: now) { return cached }
        let rows = try await ConsultationRow.upcoming(now: now, includeCanceled: false, studentID: nil, from: nil, limit: limit, on: try db.sql())
        let html = try await render(rows)
        caches.upcomingTables.store(html, for: zone, version: version, expires: Self.firstEnd(of: rows))
        return html
    }

    /// When the first of these meetings ends and leaves the list (one without an end leaves at its start).
    static func firstEnd(of rows: [ConsultationRow.WithStudent]) -> Date {
        rows.lazy.map { $0.endDate ?? $0.consultationDate }.min() ?? .distantFuture
    }
}

extension Request {
    var upcomingMeetings: UpcomingMeetings {
        UpcomingMeetings(db: db, caches: application.readCaches)
    }
}
