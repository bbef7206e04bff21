import Foundation
import Vapor

/// `GET /api/today`: the Today page's data. Keys are spelled out so the cached answer can be
/// written with `PlainJSON`.
struct TodayResponse: Content {
    var today: String
    var timeZone: String
    var meetings: [Meeting]
    var needsNotes: [Meeting]
    var followUpsDue: [DueFollowUp]
    var attention: [QuietStudent]
    var changes: [Change]
    var bookingLinks: [BookingLink]
    var attendance: [Week]

    enum CodingKeys: String, CodingKey {
        case today, timeZone = "time_zone", meetings, needsNotes = "needs_notes", followUpsDue = "follow_ups_due"
        case attention, changes, bookingLinks = "booking_links", attendance
    }

    struct Meeting: Content {
        var id: UUID
        var studentID: UUID
        var studentName: String
        var consultationDate: Date
        @NullEncoded var endDate: Date?
        var type: String
        var topic: String
        var status: ConsultationStatus
        @NullEncoded var openFollowUps: Int?
        @NullEncoded var lastTopic: String?

        enum CodingKeys: String, CodingKey {
            case id, studentID = "student_id", studentName = "student_name", consultationDate = "consultation_date", endDate = "end_date"
            case type, topic, status, openFollowUps = "open_follow_ups", lastTopic = "last_topic"
        }

        init(_ row: ConsultationRow.WithStudent, openFollowUps: Int? = nil, lastTopic: String? = nil) {
            id = row.id
            studentID = row.studentID
            studentName = row.studentName
            consultationDate = row.consultationDate
            endDate = row.endDate
            type = row.type
            topic = row.topic
            status = row.status
            self.openFollowUps = openFollowUps
            self.lastTopic = lastTopic
        }
    }

    struct DueFollowUp: Content {
        var id: UUID
        var studentID: UUID
        var studentName: String
        @NullEncoded var consultationID: UUID?
        var text: String
        var owner: String
        var dueOn: String

        enum CodingKeys: String, CodingKey {
            case id, studentID = "student_id", studentName = "student_name", consultationID = "consultation_id", text, owner, dueOn = "due_on"
        }
    }

    struct QuietStudent: Content {
        var studentID: UUID
        var name: String
        var lastMet: Date
        var daysSince: Int

        enum CodingKeys: String, CodingKey {
            case studentID = "student_id", name, lastMet = "last_met", daysSince = "days_since"
        }
    }

    struct Change: Content {
        var kind: String
        var consultationID: UUID
        var studentID: UUID
        var studentName: String
        var consultationDate: Date
        var at: Date

        enum CodingKeys: String, CodingKey {
            case kind, consultationID = "consultation_id", studentID = "student_id", studentName = "student_name"
            case consultationDate = "consultation_date", at
        }
    }

    struct BookingLink: Content {
        var name: String
        var schedulingURL: String

        enum CodingKeys: String, CodingKey {
            case name, schedulingURL = "scheduling_url"
        }
    }

    struct Week: Content {
        var weekStart: String
        var held: Int
        var noShow: Int
        var canceled: Int

        enum CodingKeys: String, CodingKey {
            case weekStart = "week_start", held, noShow = "no_show", canceled
        }
    }

    init(_ summary: TodaySummary, zone: TimeZone, now: Date, bookingLinks: [BookingLink]) {
        today = summary.today
        timeZone = zone.identifier
        meetings = summary.meetings.map { Meeting($0.row, openFollowUps: $0.openFollowUps, lastTopic: $0.lastTopic) }
        needsNotes = summary.needsNotes.map { Meeting($0) }
        followUpsDue = summary.followUpsDue.map {
            DueFollowUp(id: $0.id, studentID: $0.studentID, studentName: $0.studentName, consultationID: $0.consultationID,
                        text: $0.text, owner: $0.owner, dueOn: $0.dueOn)
        }
        attention = summary.attention.map {
            QuietStudent(studentID: $0.id, name: $0.name, lastMet: $0.lastMet, daysSince: ConsultationBrief.days(from: $0.lastMet, to: now, in: zone))
        }
        changes = summary.changes.map {
            Change(kind: $0.kind.rawValue, consultationID: $0.row.id, studentID: $0.row.studentID, studentName: $0.row.studentName,
                   consultationDate: $0.row.consultationDate, at: $0.at)
        }
        self.bookingLinks = bookingLinks
        let display = TimeDisplay(zone: zone)
        attendance = summary.attendance.map {
            Week(weekStart: display.today(now: $0.start), held: $0.held, noShow: $0.noShow, canceled: $0.canceled)
        }
    }

    /// The owner's active event types' booking pages, from the (briefly cached) Calendly account.
    static func bookingLinks(_ app: Application) async -> [BookingLink] {
        guard case .success(let account) = await app.calendly.account(app.appConfig) else { return [] }
        return account.eventTypes.compactMap { type in
            guard type.active != false, type.deletedAt == nil, let url = type.schedulingUrl.flatMap(SafeLink.http) else { return nil }
            return BookingLink(name: type.name ?? "Booking page", schedulingURL: url)
        }
    }
}
