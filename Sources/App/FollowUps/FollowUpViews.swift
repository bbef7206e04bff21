import Foundation

/// The values of a follow-up form, kept when it is shown again after an error.
struct FollowUpForm: Codable, Equatable {
    var text: String?
    var owner: String?
    var dueOn: String?

    enum CodingKeys: String, CodingKey {
        case text, owner, dueOn = "due_on"
    }

    static let blank = FollowUpForm(text: "", owner: FollowUpOwner.mentor.rawValue, dueOn: "")

    /// The date field as typed, or nil when it was left empty (a form cannot send "no date").
    var chosenDate: String? {
        guard let dueOn, !dueOn.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return dueOn
    }

    init(text: String?, owner: String?, dueOn: String?) {
        self.text = text
        self.owner = owner
        self.dueOn = dueOn
    }

    init(_ followUp: FollowUp) {
        self.init(text: followUp.text, owner: followUp.owner.rawValue, dueOn: followUp.dueOn ?? "")
    }
}

/// `POST /follow-ups/{id}/done`.
struct FollowUpDoneForm: Codable {
    var done: String?
}

/// One follow-up as the Consultation and Student pages show it.
struct FollowUpItem: Encodable {
    var id: String
    var text: String
    var ownerLabel: String
    var due: String?
    var overdue: Bool
    var done: Bool
    var doneAction: String
    var editAction: String
    var consultationLink: String?
    /// The edit form's values: the stored ones, or what was sent when a save was refused.
    var form: FollowUpForm
    var errors: [String: String]
    var editing: Bool

    init(_ followUp: FollowUp, today: String, form: FollowUpForm? = nil, errors: [String: String] = [:]) {
        let id = followUp.id ?? UUID()
        self.id = id.uuidString
        text = followUp.text
        ownerLabel = followUp.owner.label
        due = followUp.dueOn.map(FollowUpItem.describe)
        overdue = followUp.isOpen && (followUp.dueOn.map { $0 < today } ?? false)
        done = !followUp.isOpen
        doneAction = AppRoute.followUpDone(id).path
        editAction = AppRoute.followUp(id).path
        consultationLink = followUp.$consultation.id.map { AppRoute.consultation($0).path + "#follow-ups" }
        self.form = form ?? FollowUpForm(followUp)
        self.errors = errors
        editing = form != nil
    }

    /// `2027-01-31` as "Sun 31 Jan 2027": a date, so no time zone applies.
    static func describe(_ day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = dayCalendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return day }
        return date.formatted(dayStyle)
    }

    private static let dayCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    private static let dayStyle = Date.VerbatimFormatStyle(
        format: "\(weekday: .abbreviated) \(day: .defaultDigits) \(month: .abbreviated) \(year: .defaultDigits)",
        locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: dayCalendar)
}

/// A consultation's follow-ups on its page: the list, each editable in place, and the form to add one.
struct FollowUpSection: Encodable {
    var items: [FollowUpItem]
    var newForm: FollowUpForm
    var errors: [String: String]
    var addAction: String
    var owners: [OwnerChoice]

    struct OwnerChoice: Encodable {
        var value: String
        var label: String
    }

    init(consultationID: UUID, followUps: [FollowUp], today: String, newForm: FollowUpForm = .blank, errors: [String: String] = [:],
         editing: (id: UUID, form: FollowUpForm, errors: [String: String])? = nil) {
        items = followUps.map { followUp in
            guard let editing, editing.id == followUp.id else { return FollowUpItem(followUp, today: today) }
            return FollowUpItem(followUp, today: today, form: editing.form, errors: editing.errors)
        }
        self.newForm = newForm
        self.errors = errors
        addAction = AppRoute.consultationFollowUps(consultationID).path
        owners = FollowUpOwner.allCases.map { OwnerChoice(value: $0.rawValue, label: $0 == .mentor ? "You (the mentor)" : "The student") }
    }
}
