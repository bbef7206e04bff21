import Foundation

// The sandbox's own state, kept free of wire details; `Wire` turns it into Calendly's JSON.

struct UserRecord: Sendable {
    let uuid: String
    let name: String
    let slug: String
    let email: String
    let timezone: String
    let createdAt: Date
    let updatedAt: Date
}

struct OrganizationRecord: Sendable {
    let uuid: String
    let membershipUUID: String
    let createdAt: Date
}

struct CustomQuestion: Sendable {
    let name: String
    let type: String  // string, text, phone_number, single_select, multi_select
    let position: Int
    let required: Bool
    let answerChoices: [String]
}

enum LocationKind: Sendable {
    case googleConference
    case physical(String)
    case custom(String)
}

struct EventTypeRecord: Sendable {
    let uuid: String
    let name: String
    let slug: String
    let active: Bool
    let duration: Int
    let color: String
    let secret: Bool
    let descriptionPlain: String?
    let internalNote: String?
    var questions: [CustomQuestion]
    let location: LocationKind
    let createdAt: Date
    var updatedAt: Date
}

struct CancellationRecord: Sendable {
    let canceledBy: String
    let reason: String?
    let cancelerType: String  // host | invitee
    let createdAt: Date
}

struct ScheduledEventRecord: Sendable {
    let uuid: String
    let eventTypeUUID: String
    let name: String
    var status: String  // active | canceled
    let start: Date
    let end: Date
    let location: LocationKind
    let createdAt: Date
    var updatedAt: Date
    var cancellation: CancellationRecord?
    var inviteeUUIDs: [String]
    /// Emails the invitee added as guests (`event_guests` of `POST /invitees`).
    var guests: [String] = []
}

struct Tracking: Sendable, Equatable {
    var utmCampaign: String?
    var utmSource: String?
    var utmMedium: String?
    var utmContent: String?
    var utmTerm: String?
    var salesforceUUID: String?
}

struct QuestionAnswer: Sendable {
    let question: String
    let answer: String
    let position: Int
}

/// Points at an invitee; its URI needs both ids.
struct InviteeKey: Sendable, Hashable {
    let eventUUID: String
    let inviteeUUID: String
}

struct NoShowRecord: Sendable {
    let uuid: String
    let invitee: InviteeKey
    let createdAt: Date
}

struct InviteeRecord: Sendable {
    let uuid: String
    let eventUUID: String
    let name: String
    let email: String
    var status: String  // active | canceled
    let timezone: String?
    let answers: [QuestionAnswer]
    let tracking: Tracking
    var rescheduled: Bool
    let oldInvitee: InviteeKey?
    var newInvitee: InviteeKey?
    var cancellation: CancellationRecord?
    var noShow: NoShowRecord?
    let createdAt: Date
    var updatedAt: Date
    /// Set when the invitee gave their name in parts (`POST /invitees` with `first_name`).
    var firstName: String? = nil
    var lastName: String? = nil
    var textReminderNumber: String? = nil
    /// `"instant_book"` for a booking made through `POST /invitees`; nil for the booking page.
    var schedulingMethod: String? = nil
    /// True when the owner booked on the invitee's behalf (rendered as the user's URI).
    var scheduledByOwner = false
    var reconfirmation: ReconfirmationRecord? = nil

    var key: InviteeKey { InviteeKey(eventUUID: eventUUID, inviteeUUID: uuid) }
}

/// The host asked the invitee to reconfirm; unconfirmed until `confirmedAt` is set.
struct ReconfirmationRecord: Sendable {
    let createdAt: Date
    var confirmedAt: Date?
}

/// A single-use scheduling link (`POST /scheduling_links`): books its event type once.
struct SchedulingLinkRecord: Sendable {
    /// The random part of the booking URL, `/d/<token>/<slug>`.
    let token: String
    let eventTypeUUID: String
    let createdAt: Date
    var bookedInvitee: InviteeKey?
}

struct SubscriptionRecord: Sendable {
    let uuid: String
    let callbackURL: String
    let events: [String]
    let scope: String  // organization | user
    let signingKey: String?
    let createdAt: Date
    var updatedAt: Date
    var retryStartedAt: Date?
    var state: String  // active | disabled
}
