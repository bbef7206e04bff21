import Foundation

/// "Book a session" for one student (SPEC 4.5): choose a meeting type, see the open times of the
/// coming weeks in the owner's zone with the student's beside, answer the type's questions, book;
/// or make a single-use link to send instead.
struct BookingPageContext: Encodable {
    var page: PageChrome
    var studentName: String
    var studentLink: String
    var studentEditLink: String
    /// Why booking cannot start (archived, no email, Calendly not connected), if it cannot.
    var blocked: String?
    var eventTypes: [EventTypeChoice]
    var chosenType: String?
    var chosenTypeName: String?
    var days: [OpenDay]
    var timesProblem: String?
    var questions: [QuestionField]
    var form: BookingForm
    var errors: [String: String]
    var ownerZone: String
    var studentZone: String?
    var bookAction: String
    var chooseAction: String
    var linkAction: String
    /// A single-use link just made, to copy and send.
    var bookingLink: String?
    /// Calendly refused a direct booking for a limit: the link is the way forward.
    var suggestLink: Bool
}

struct EventTypeChoice: Encodable {
    var uri: String
    var name: String
    var duration: Int?
    var selected: Bool
}

struct OpenDay: Encodable {
    var label: String
    var times: [OpenTime]
}

struct OpenTime: Encodable {
    /// The instant as sent back (UTC, ISO 8601).
    var value: String
    var ownerTime: String
    /// The same instant as the student sees it, when their zone differs from the owner's.
    var studentTime: String?
    var checked: Bool
}

struct QuestionField: Encodable {
    var index: Int
    var text: String
    var required: Bool
    var answer: String
}

/// What the owner sent, kept when a booking is refused.
struct BookingForm: Codable {
    var eventType: String?
    var startTime: String?
    var topic: String?
    /// Answers by question position on the page (`answers[0]`…), matched to the question text on the server.
    var answers: [String: String]?

    enum CodingKeys: String, CodingKey {
        case eventType = "event_type", startTime = "start_time", topic, answers
    }
}
