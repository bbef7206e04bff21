import Foundation

struct TodayPageContext: Encodable {
    var page: PageChrome
    var meetings: [MeetingItem]
    var needsNotes: [NeedsNotesItem]
    var followUpsDue: [DueItem]
    var attention: [QuietItem]
    var changes: [ChangeItem]
    var changesSince: String
    var seenAction: String
    var bookingLinks: [TodayResponse.BookingLink]
    var chart: AttendanceChart
    var attentionAfterDays: Int

    struct MeetingItem: Encodable {
        var when: String
        var link: String
        var briefLink: String
        var studentName: String
        var studentLink: String
        var type: String
        var topic: String?
        var openFollowUps: Int
        var lastTopic: String?
    }

    struct NeedsNotesItem: Encodable {
        var id: String
        var when: String
        var link: String
        var studentName: String
        var type: String
        var statusLabel: String
        var status: String
        var canMark: Bool
        var statusAction: String
        var notesAction: String
    }

    struct DueItem: Encodable {
        var text: String
        var studentName: String
        var studentLink: String
        var due: String
        var overdue: Bool
        var ownerLabel: String
        var doneAction: String
    }

    struct QuietItem: Encodable {
        var name: String
        var link: String
        var lastMet: String
        var days: Int
    }

    struct ChangeItem: Encodable {
        var text: String
        var studentName: String
        var when: String
        var link: String
    }
}

/// Meetings a week by outcome as a stacked bar chart, drawn on the server: plain numbers in
/// SVG attributes (the template escapes every label), and the same numbers as a table.
struct AttendanceChart: Encodable {
    var bars: [Bar]
    var weeks: [Row]
    var width: Int
    var height: Int
    var baseline: Int
    var total: Int

    struct Bar: Encodable {
        var x: Int
        var label: String?
        var labelX: Int
        var segments: [Segment]
    }

    struct Segment: Encodable {
        var y: Int
        var height: Int
        var kind: String
        var title: String
    }

    struct Row: Encodable {
        var week: String
        var held: Int
        var noShow: Int
        var canceled: Int
    }

    static let slot = 30, barWidth = 20, plotHeight = 120, top = 10

    init(_ weeks: [TodaySummary.Week], time: TimeDisplay) {
        let tallest = max(1, weeks.map { $0.held + $0.noShow + $0.canceled }.max() ?? 0)
        let dayStyle = Date.VerbatimFormatStyle(format: "\(day: .defaultDigits) \(month: .abbreviated)", locale: Locale(identifier: "en_US_POSIX"),
                                                timeZone: time.zone, calendar: Calendar(identifier: .gregorian))
        baseline = Self.top + Self.plotHeight
        width = weeks.count * Self.slot + 10
        height = baseline + 30
        total = weeks.reduce(0) { $0 + $1.held + $1.noShow + $1.canceled }
        self.weeks = weeks.map { Row(week: $0.start.formatted(dayStyle), held: $0.held, noShow: $0.noShow, canceled: $0.canceled) }
        var bars: [Bar] = []
        for (index, week) in weeks.enumerated() {
            var y = Self.top + Self.plotHeight
            var segments: [Segment] = []
            let label = week.start.formatted(dayStyle)
            for (count, kind, word) in [(week.held, "held", "held"), (week.noShow, "no-show", "no-show"), (week.canceled, "canceled", "canceled")] where count > 0 {
                let height = max(1, count * Self.plotHeight / tallest)
                y -= height
                segments.append(Segment(y: y, height: height, kind: kind, title: "Week of \(label): \(count) \(word)"))
            }
            let x = 5 + index * Self.slot
            // Every third week is labelled, so the labels stay readable on a phone.
            bars.append(Bar(x: x, label: index % 3 == 0 ? label : nil, labelX: x + Self.barWidth / 2, segments: segments))
        }
        self.bars = bars
    }
}
