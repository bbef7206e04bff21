import Foundation

/// The brief at the top of the page of a meeting still to come: readable in ten seconds.
struct BriefView: Encodable {
    var firstMeeting: Bool
    var lastTime: PreviousMeeting?
    var earlier: [PreviousMeeting]
    var openFollowUps: [FollowUpItem]
    var attendance: String
    var sinceLastMeeting: String?

    struct PreviousMeeting: Encodable {
        var link: String
        var when: String
        var type: String
        var statusLabel: String
        var topic: String?
        var notes: String?
        var followUpNotes: String?
    }

    init(_ brief: ConsultationBrief, time: TimeDisplay) {
        let meetings = brief.previous.map { row in
            PreviousMeeting(link: AppRoute.consultation(row.id).path, when: time.format(row.consultationDate), type: row.type,
                            statusLabel: row.status.label, topic: row.topic.nonEmpty, notes: row.notes.nonEmpty,
                            followUpNotes: row.followUpNotes.nonEmpty)
        }
        firstMeeting = brief.isFirstMeeting
        lastTime = meetings.first
        earlier = Array(meetings.dropFirst())
        openFollowUps = brief.openFollowUps.map { FollowUpItem($0, today: time.today()) }
        let a = brief.attendance
        attendance = "\(a.completed) held · \(a.noShow) no-show · \(a.canceled) canceled · \(a.rescheduled) rescheduled"
        sinceLastMeeting = brief.daysSinceLastMeeting.map(Self.describe)
    }

    static func describe(days: Int) -> String {
        switch days {
        case ..<1: "You last met today."
        case 1: "You last met yesterday."
        default: "\(days.formatted()) days since you last met."
        }
    }
}
