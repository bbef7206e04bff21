import Fluent
import Foundation
import SQLKit

/// What the Today page shows (SPEC 10), in the owner's time zone: the coming week's meetings,
/// meetings that need notes, follow-ups due, students not met in a while, what changed in
/// Calendly since the owner last looked, and attendance over twelve weeks.
struct TodaySummary: Sendable {
    var today: String
    var meetings: [Meeting]
    var needsNotes: [ConsultationRow.WithStudent]
    var followUpsDue: [DueFollowUp]
    var attention: [QuietStudent]
    var changes: [Change]
    var attendance: [Week]
    /// When the answer next changes with no change to the data: a meeting ends, a day begins, a
    /// meeting leaves the 30 days of "needs notes".
    var expires: Date

    struct Meeting: Sendable {
        var row: ConsultationRow.WithStudent
        var openFollowUps: Int
        var lastTopic: String?
    }

    struct DueFollowUp: Sendable, Decodable {
        var id: UUID
        var studentID: UUID
        var studentName: String
        var consultationID: UUID?
        var text: String
        var owner: String
        var dueOn: String

        enum CodingKeys: String, CodingKey {
            case id, studentID = "student_id", studentName = "student_name", consultationID = "consultation_id", text, owner, dueOn = "due_on"
        }
    }

    struct QuietStudent: Sendable, Decodable {
        var id: UUID
        var name: String
        var lastMet: Date

        enum CodingKeys: String, CodingKey {
            case id, name, lastMet = "last_met"
        }
    }

    struct Change: Sendable {
        enum Kind: String, Sendable { case booked, canceled, rescheduled }
        var kind: Kind
        var row: ConsultationRow.WithStudent
        var at: Date
    }

    struct Week: Sendable {
        var start: Date
        var held = 0
        var noShow = 0
        var canceled = 0
    }

    static let needsNotesDays = 30
    static let weekCount = 12

    static func load(now: Date, zone: TimeZone, attentionAfterDays: Int, seenSince: Date?, on db: any Database) async throws -> TodaySummary {
        let sql = try db.sql()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2 // Monday
        let startOfToday = calendar.startOfDay(for: now)
        let nextMidnight = calendar.date(byAdding: .day, value: 1, to: startOfToday) ?? now.addingTimeInterval(86_400)
        let windowEnd = calendar.date(byAdding: .day, value: 8, to: startOfToday) ?? now.addingTimeInterval(8 * 86_400)

        let upcoming = try await ConsultationRow.upcoming(now: now, includeCanceled: false, studentID: nil, from: nil, until: windowEnd, limit: 100, on: sql)
        let studentIDs = Array(Set(upcoming.map(\.studentID)))
        let openCounts = try await FollowUp.openCounts(studentIDs: studentIDs, on: sql)
        let lastTopics = try await ConsultationRow.lastHeldTopics(studentIDs: studentIDs, before: now, on: sql)
        let meetings = upcoming.map { Meeting(row: $0, openFollowUps: openCounts[$0.studentID] ?? 0, lastTopic: lastTopics[$0.studentID]) }

        let since = now.addingTimeInterval(-Double(needsNotesDays) * 86_400)
        let needsNotes = try await ConsultationRow.needingNotes(endedAfter: since, before: now, limit: 50, on: sql)
        let today = TimeDisplay(zone: zone).today(now: now)
        let due = try await FollowUp.due(onOrBefore: today, limit: 50, on: sql)
        let attention = try await ConsultationRow.quietStudents(heldBefore: now.addingTimeInterval(-Double(attentionAfterDays) * 86_400), now: now, limit: 20, on: sql)
        let changes = try await Self.changes(since: seenSince ?? now.addingTimeInterval(-7 * 86_400), on: sql)
        let attendance = try await Self.attendance(now: now, calendar: calendar, on: sql)

        let firstEnd = meetings.lazy.map { $0.row.endDate ?? $0.row.consultationDate }.min() ?? .distantFuture
        let firstLeavingNeedsNotes = needsNotes.lazy.compactMap { $0.endDate?.addingTimeInterval(Double(needsNotesDays) * 86_400) }.min() ?? .distantFuture
        return TodaySummary(today: today, meetings: meetings, needsNotes: needsNotes, followUpsDue: due, attention: attention,
                            changes: changes, attendance: attendance, expires: min(nextMidnight, firstEnd, firstLeavingNeedsNotes))
    }

    /// Bookings, cancellations and reschedules that arrived from Calendly after `since`, newest first.
    static func changes(since: Date, on sql: any SQLDatabase) async throws -> [Change] {
        try await ConsultationRow.calendlyChanges(since: since, limit: 30, on: sql).compactMap { row in
            if row.status == .canceled, let at = row.canceledAt, at > since { return Change(kind: .canceled, row: row, at: at) }
            if row.status == .rescheduled { return Change(kind: .rescheduled, row: row, at: row.updatedAt ?? since) }
            if let created = row.createdAt, created > since { return Change(kind: .booked, row: row, at: created) }
            return nil
        }
    }

    /// Meetings a week by outcome, over this week and the eleven before it (weeks start on Monday
    /// in the owner's zone, so a week across a daylight-saving change is 167 or 169 hours).
    static func attendance(now: Date, calendar: Calendar, on sql: any SQLDatabase) async throws -> [Week] {
        guard let thisWeek = calendar.dateInterval(of: .weekOfYear, for: now)?.start else { return [] }
        var weeks: [Week] = []
        for back in stride(from: weekCount - 1, through: 0, by: -1) {
            guard let start = calendar.date(byAdding: .weekOfYear, value: -back, to: thisWeek),
                  let end = calendar.date(byAdding: .weekOfYear, value: 1, to: start) else { continue }
            let counts = try await ConsultationRow.statusCounts(from: start, to: end, on: sql)
            weeks.append(Week(start: start, held: counts[.completed] ?? 0, noShow: counts[.noShow] ?? 0, canceled: counts[.canceled] ?? 0))
        }
        return weeks
    }
}
