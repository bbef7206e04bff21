import Foundation

struct ConsultationPageContext: Encodable {
    var page: PageChrome
    var id: String
    var studentName: String
    var studentLink: String
    var type: String
    var when: String
    var endsAt: String?
    var duration: Int
    var status: String
    var statusLabel: String
    var marking: StatusMarking
    var brief: BriefView?
    var location: String?
    var joinURL: String?
    var cancelURL: String?
    var rescheduleURL: String?
    var calendlyEventURI: String?
    var cancelReason: String?
    var canceledBy: String?
    var canceledAt: String?
    var rescheduledFrom: String?
    var rescheduledFromWhen: String?
    var rescheduledTo: String?
    var rescheduledToWhen: String?
    var calendlyInviteeURI: String?
    /// Calendly's own page of the owner's meetings; not in sandbox mode, where it does not exist.
    var openInCalendly: String?
    var answers: [QuestionAndAnswer]
    var hasAnswers: Bool
    var inviteeTimezone: String?
    var form: ConsultationEditForm
    var errors: [String: String]
    var followUps: FollowUpSection
    var editAction: String
    var statusAction: String
    /// "booked by you", "unconfirmed", "moved".
    var tags: [String]
    /// Why the owner's no-show change has not reached Calendly, with a retry.
    var noShowSendError: String?
    var noShowSendAction: String
    /// A Calendly meeting still to come can be canceled as the host (`marking.hostCanCancel`), with a reason.
    var cancelAction: String
    var cancelForm: HostCancelForm
    /// "Book the next session": the student's booking page with this meeting's type chosen.
    var bookNextLink: String?
}

/// The host's cancellation form, kept when refused.
struct HostCancelForm: Codable {
    var reason: String?
}

/// The editable part of a consultation.
struct ConsultationEditForm: Codable {
    var type: String?
    var topic: String?
    var notes: String?
    var followUpNotes: String?

    enum CodingKeys: String, CodingKey {
        case type, topic, notes, followUpNotes = "follow_up_notes"
    }
}

struct StatusForm: Codable {
    var status: String
    /// `today` when sent from the Today page, which is where the owner goes back to.
    var back: String?
}

/// Notes written in place on the Today page.
struct NotesForm: Codable {
    var notes: String?
}

/// What the owner may do with a consultation's status, and why not when they may not.
struct StatusMarking: Encodable {
    /// Held and No-show: a scheduled meeting that has started.
    var canMarkHeldOrNoShow: Bool
    /// Back to scheduled from Held or No-show.
    var canUndo: Bool
    /// A scheduled meeting that has not started yet.
    var notStartedYet: Bool
    /// Canceled or rescheduled: only Calendly changes it.
    var final: Bool
    /// A Calendly meeting still to come.
    var hostCanCancel: Bool

    init(_ c: Consultation, now: Date) {
        hostCanCancel = c.status == .scheduled && c.calendlyEventURI != nil && c.consultationDate > now
        canMarkHeldOrNoShow = c.status == .scheduled && c.consultationDate <= now
        canUndo = c.status == .completed || c.status == .noShow
        notStartedYet = c.status == .scheduled && c.consultationDate > now
        final = !c.isLive
    }
}

extension Consultation {
    /// Still a booking: not canceled, not replaced by a reschedule. Its Calendly links stay useful.
    var isLive: Bool { status != .canceled && status != .rescheduled }
}

/// Addresses in Calendly's web app (not its API) that the pages link to.
enum CalendlyWebApp {
    static let scheduledEvents = "https://calendly.com/app/scheduled_events/user/me"
}

extension ConsultationEditForm {
    init(_ c: Consultation) {
        self.init(type: c.type, topic: c.topic, notes: c.notes, followUpNotes: c.followUpNotes)
    }
}
