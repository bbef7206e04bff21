import Fluent
import Vapor

/// Today (SPEC 10): what matters now, on one page; `/` leads here.
struct TodayPageController {
    func show(req: Request) async throws -> View {
        let account = try req.auth.require(Account.self)
        let time = req.timeDisplay
        let now = Date()
        let since = account.todaySeenAt ?? now.addingTimeInterval(-7 * 86_400)
        let summary = try await TodaySummary.load(now: now, zone: time.zone, attentionAfterDays: req.application.appConfig.attentionAfterDays,
                                                  seenSince: since, on: req.db)
        let context = TodayPageContext(
            page: PageChrome(request: req, title: "Today", section: "today", path: AppRoute.today.path),
            meetings: summary.meetings.map { meeting in
                let row = meeting.row
                return .init(when: time.format(row.consultationDate), link: AppRoute.consultation(row.id).path,
                             briefLink: AppRoute.consultation(row.id).path + "#brief", studentName: row.studentName,
                             studentLink: AppRoute.student(row.studentID).path, type: row.type, topic: row.topic.nonEmpty,
                             openFollowUps: meeting.openFollowUps, lastTopic: meeting.lastTopic?.nonEmpty)
            },
            needsNotes: summary.needsNotes.map { row in
                .init(id: row.id.uuidString, when: time.format(row.consultationDate), link: AppRoute.consultation(row.id).path,
                      studentName: row.studentName, type: row.type, statusLabel: row.status.label, status: row.status.rawValue,
                      canMark: row.status == .scheduled, statusAction: AppRoute.consultationStatus(row.id).path,
                      notesAction: AppRoute.Pattern.consultationNotes.filled(row.id.uuidString))
            },
            followUpsDue: summary.followUpsDue.map { due in
                .init(text: due.text, studentName: due.studentName, studentLink: AppRoute.student(due.studentID).path,
                      due: FollowUpItem.describe(due.dueOn), overdue: due.dueOn < summary.today,
                      ownerLabel: FollowUpOwner(rawValue: due.owner)?.label ?? due.owner, doneAction: AppRoute.followUpDone(due.id).path)
            },
            attention: summary.attention.map { quiet in
                .init(name: quiet.name, link: AppRoute.student(quiet.id).path, lastMet: time.format(quiet.lastMet),
                      days: ConsultationBrief.days(from: quiet.lastMet, to: now, in: time.zone))
            },
            changes: summary.changes.map { change in
                let what = switch change.kind {
                case .booked: "booked"
                case .canceled: "canceled"
                case .rescheduled: "moved"
                }
                return .init(text: what, studentName: change.row.studentName, when: time.format(change.row.consultationDate),
                             link: AppRoute.consultation(change.row.id).path)
            },
            changesSince: RelativeTime.describe(since, now: now, time: time),
            seenAction: AppRoute.Pattern.todaySeen.rawValue,
            bookingLinks: await TodayResponse.bookingLinks(req.application),
            chart: AttendanceChart(summary.attendance, time: time),
            attentionAfterDays: req.application.appConfig.attentionAfterDays
        )
        return try await req.view.render("today", context)
    }

    /// "Mark as seen": what changed is counted from now on. The owner decides, so a reload never
    /// hides a change they have not read.
    func markSeen(req: Request) async throws -> Response {
        let account = try req.auth.require(Account.self)
        try await req.application.databaseWriter.transaction(on: req.db) { db in
            try await Account.query(on: db).filter(\.$id == (try account.requireID())).set(\.$todaySeenAt, to: Date()).update()
        }
        return req.redirect(to: AppRoute.today.path + "#changes")
    }
}
