import Foundation

/// The body of `POST /invitees` (REFERENCE-2026.md), read field by field: each problem becomes
/// one `details` entry naming its field. Codes follow Rails' (`blank`, `invalid`, `inclusion`,
/// `too_long`), as Calendly's API is a Rails app; only `already_filled` is documented.
struct DirectBookingBody {
    var eventType = ""
    var start = Date.distantPast
    var email = ""
    var timezone = ""
    var name = ""
    var firstName: String?
    var lastName: String?
    var answers: [(question: String, answer: String)] = []
    var tracking = Tracking()
    var guests: [String] = []
    var locationKind: String?
    var textReminderNumber: String?

    static let trackingKeys = ["utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term",
                               "salesforce_uuid"]
    static let maxGuests = 10

    /// Reads the body; throws one 400 listing every problem found.
    init(_ body: JSON) throws(CalendlyError) {
        var problems = Problems()
        eventType = problems.requiredString(body["event_type"], "event_type") ?? ""
        if let raw = problems.requiredString(body["start_time"], "start_time") {
            if let date = CalendlyTime.parse(raw) { start = date } else {
                problems.add("start_time", "start_time must be an ISO 8601 time in UTC", "invalid")
            }
        }
        readInvitee(body["invitee"], &problems)
        readOptional(body, &problems)
        guard problems.details.isEmpty else { throw .invalidArguments(problems.details) }
    }

    private mutating func readInvitee(_ value: JSON?, _ problems: inout Problems) {
        let invitee = value.flatMap { $0.objectPairs == nil ? nil : $0 } ?? .object([])
        if let value, !value.isNull, value.objectPairs == nil {
            problems.add("invitee", "invitee must be an object", "invalid")
        }
        if let raw = problems.requiredString(invitee["email"], "invitee.email") {
            if Self.isEmail(raw) { email = raw } else { problems.add("invitee.email", "invitee.email is invalid", "invalid") }
        }
        if let raw = problems.requiredString(invitee["timezone"], "invitee.timezone") {
            if TimeZone(identifier: raw) != nil { timezone = raw } else {
                problems.add("invitee.timezone", "invitee.timezone must be an IANA time zone such as Europe/Berlin", "inclusion")
            }
        }
        firstName = problems.optionalString(invitee["first_name"], "invitee.first_name")?.trimmed.nonBlank
        lastName = problems.optionalString(invitee["last_name"], "invitee.last_name")?.trimmed.nonBlank
        let given = problems.optionalString(invitee["name"], "invitee.name")?.trimmed.nonBlank
        if let given {
            name = given
            // Calendly fills in the parts only when they were given in parts.
        } else if let firstName {
            name = [firstName, lastName].compactMap { $0 }.joined(separator: " ")
        } else {
            problems.add("invitee.name", "invitee.name or invitee.first_name is required", "blank")
        }
    }

    private mutating func readOptional(_ body: JSON, _ problems: inout Problems) {
        textReminderNumber = problems.optionalString(body["text_reminder_number"], "text_reminder_number")
        if let location = body["location"], !location.isNull {
            if location.objectPairs == nil {
                problems.add("location", "location must be an object with a kind", "invalid")
            } else {
                locationKind = problems.requiredString(location["kind"], "location.kind")
            }
        }
        readAnswers(body["questions_and_answers"], &problems)
        readTracking(body["tracking"], &problems)
        if let list = body["event_guests"], !list.isNull {
            let emails = list.arrayValue?.compactMap(\.stringValue)
            if let emails, emails.count == list.arrayValue?.count {
                if emails.count > Self.maxGuests {
                    problems.add("event_guests", "At most \(Self.maxGuests) event_guests are allowed", "too_long")
                } else if let bad = emails.first(where: { !Self.isEmail($0) }) {
                    problems.add("event_guests", "\(bad) is not a valid email", "invalid")
                }
                guests = emails
            } else {
                problems.add("event_guests", "event_guests must be a list of emails", "invalid")
            }
        }
    }

    private mutating func readAnswers(_ value: JSON?, _ problems: inout Problems) {
        guard let value, !value.isNull else { return }
        guard let items = value.arrayValue else {
            problems.add("questions_and_answers", "questions_and_answers must be a list", "invalid")
            return
        }
        for item in items {
            guard let question = item["question"]?.stringValue, let answer = item["answer"]?.stringValue else {
                problems.add("questions_and_answers", "Each answer needs a question and an answer, both text", "invalid")
                continue
            }
            answers.append((question, answer))
        }
    }

    private mutating func readTracking(_ value: JSON?, _ problems: inout Problems) {
        guard let value, !value.isNull else { return }
        guard value.objectPairs != nil else {
            problems.add("tracking", "tracking must be an object", "invalid")
            return
        }
        let missing = Self.trackingKeys.filter { value[$0] == nil }
        guard missing.isEmpty else {
            problems.add("tracking", "tracking must have all of \(Self.trackingKeys.joined(separator: ", ")); missing: \(missing.joined(separator: ", "))", "invalid")
            return
        }
        let v = Self.trackingKeys.map { problems.optionalString(value[$0], "tracking.\($0)") }
        tracking = Tracking(utmCampaign: v[0], utmSource: v[1], utmMedium: v[2], utmContent: v[3], utmTerm: v[4],
                            salesforceUUID: v[5])
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }
}
