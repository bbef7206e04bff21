import Fluent
import Foundation
import SQLKit

/// What to know before a meeting (SPEC 10): what was discussed last time, what was promised and is
/// still open, how the student has attended, how long since you last met, and this booking's answers.
struct ConsultationBrief {
    var consultation: Consultation
    var student: Student
    /// The three latest earlier meetings that were held or marked no-show, newest first.
    var previous: [ConsultationRow]
    var openFollowUps: [FollowUp]
    var attendance: Attendance
    var daysSinceLastMeeting: Int?

    /// Counts over the student's whole history; a reschedule is not a cancel.
    struct Attendance: Codable, Equatable, Sendable {
        var completed = 0
        var noShow = 0
        var canceled = 0
        var rescheduled = 0

        enum CodingKeys: String, CodingKey {
            case completed, noShow = "no_show", canceled, rescheduled
        }
    }

    /// A brief depends on the data and on the owner's calendar day.
    struct CacheKey: Hashable, Sendable {
        var consultationID: UUID
        var zone: String
    }

    /// No earlier meeting was held or marked: the page says so instead of empty sections.
    var isFirstMeeting: Bool { previous.isEmpty }

    static func load(_ id: UUID, now: Date = Date(), zone: TimeZone, on db: any Database) async throws -> ConsultationBrief? {
        guard let consultation = try await Consultation.query(on: db).filter(\.$id == id).with(\.$student).first() else { return nil }
        let sql = try db.sql()
        let studentID = consultation.$student.id
        let counts = try await ConsultationRow.statusCounts(studentID: studentID, on: sql)
        let lastHeld = try await ConsultationRow.lastHeld(studentID: studentID, before: min(now, consultation.consultationDate), on: sql)
        return ConsultationBrief(
            consultation: consultation, student: consultation.student,
            previous: try await ConsultationRow.previousMarked(studentID: studentID, before: consultation.consultationDate, limit: 3, on: sql),
            openFollowUps: try await FollowUp.open(studentID: studentID, on: db),
            attendance: Attendance(completed: counts[.completed] ?? 0, noShow: counts[.noShow] ?? 0,
                                   canceled: counts[.canceled] ?? 0, rescheduled: counts[.rescheduled] ?? 0),
            daysSinceLastMeeting: lastHeld.map { days(from: $0, to: now, in: zone) }
        )
    }

    /// Whole calendar days in `zone` from one instant's date to another's: yesterday is 1.
    static func days(from start: Date, to end: Date, in zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.day], from: calendar.startOfDay(for: start), to: calendar.startOfDay(for: end)).day ?? 0
    }

    /// The next midnight in `zone`, when "days since" changes.
    static func nextMidnight(after now: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now)) ?? now.addingTimeInterval(3600)
    }
}
