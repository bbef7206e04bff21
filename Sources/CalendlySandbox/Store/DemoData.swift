import Foundation

/// The seeded demo account: one owner and organization, four event types (one with custom
/// questions, one inactive) and a dozen meetings around the reference day, with a cancellation
/// by each side, a no-show and a reschedule chain.
struct DemoData {
    var user: UserRecord
    var organization: OrganizationRecord
    var eventTypes: [EventTypeRecord]
    var events: [String: ScheduledEventRecord] = [:]
    var invitees: [String: InviteeRecord] = [:]
    var noShows: [String: NoShowRecord] = [:]

    /// Fixed so the booking routes can be registered before the store exists.
    static let userSlug = "sam-rivera"

    static let students: [(String, String)] = [
        ("Jonas Berg", "jonas.berg@student.example"), ("Maria Okafor", "maria.okafor@student.example"),
        ("Li Wei", "li.wei@student.example"), ("Aisha Khan", "aisha.khan@student.example"),
        ("Tomás García", "tomas.garcia@student.example"), ("Emma Johansson", "emma.j@student.example"),
        ("Noah Smith", "noah.smith@student.example"), ("Yuki Tanaka", "yuki.tanaka@student.example"),
    ]

    /// What students write when asked what they want to talk about.
    static let topics = [
        "Personal statement, second draft", "Choosing a thesis supervisor", "Summer internship applications",
        "Integration by parts: exercises 4-9", "Scholarship essay: the leadership question", "A study plan for finals",
        "Reading list for the literature review", "Mock interview for the exchange programme", "Lab report feedback",
        "Switching from physics to engineering", "Time management during exams", "Research proposal outline",
    ]

    init(reference: Date, rng: inout SeededGenerator) {
        let day: TimeInterval = 86_400
        let created = reference.addingTimeInterval(-400 * day)
        user = UserRecord(uuid: rng.uuid(), name: "Sam Rivera", slug: Self.userSlug,
                          email: "sam.rivera@tutoring.example", timezone: "Europe/Stockholm",
                          createdAt: created, updatedAt: created.addingTimeInterval(30 * day))
        organization = OrganizationRecord(uuid: rng.uuid(), membershipUUID: rng.uuid(), createdAt: created)
        eventTypes = [
            EventTypeRecord(
                uuid: rng.uuid(), name: "Student consultation (30 min)", slug: "consultation-30",
                active: true, duration: 30, color: "#0069ff", secret: false,
                descriptionPlain: "Progress check-in with a student.", internalNote: nil,
                questions: [
                    CustomQuestion(name: "What would you like to discuss?", type: "text", position: 0,
                                   required: false, answerChoices: []),
                    CustomQuestion(name: "Which course are you taking?", type: "string", position: 1,
                                   required: false, answerChoices: []),
                ],
                location: .googleConference, createdAt: created, updatedAt: created),
            EventTypeRecord(
                uuid: rng.uuid(), name: "Thesis review (60 min)", slug: "thesis-review",
                active: true, duration: 60, color: "#8247f5", secret: true, descriptionPlain: nil,
                internalNote: "Only for final-year students", questions: [],
                location: .physical("Library, room 2.14"), createdAt: created, updatedAt: created),
            EventTypeRecord(
                uuid: rng.uuid(), name: "Quick check-in (15 min)", slug: "quick-check-in",
                active: true, duration: 15, color: "#17e885", secret: false,
                descriptionPlain: "A short call between sessions.", internalNote: nil, questions: [],
                location: .custom("Phone call: the tutor calls you"), createdAt: created, updatedAt: created),
            EventTypeRecord(
                uuid: rng.uuid(), name: "Group workshop (90 min)", slug: "group-workshop",
                active: false, duration: 90, color: "#ff8c00", secret: false,
                descriptionPlain: "Paused until next term.", internalNote: nil, questions: [],
                location: .physical("Seminar room B"), createdAt: created, updatedAt: created),
        ]
        seedMeetings(reference: reference, rng: &rng)
    }

    private mutating func seedMeetings(reference: Date, rng: inout SeededGenerator) {
        let today = CalendlyTime.startOfDayUTC(reference)
        // Distinct (day, hour) slots: five in the past, seven ahead.
        let days = [-20, -14, -9, -5, -2, 1, 3, 6, 8, 11, 15, 19]
        let bookable = eventTypes.filter(\.active)
        var made: [InviteeKey] = []
        for (index, offset) in days.enumerated() {
            let hour = 9 + Int.random(in: 0..<8, using: &rng)
            let start = today.addingTimeInterval(TimeInterval(offset) * 86_400 + TimeInterval(hour) * 3_600)
            let type = bookable[Int.random(in: 0..<bookable.count, using: &rng)]
            let student = Self.students[index % Self.students.count]
            let answers = type.questions.isEmpty ? [] : [
                QuestionAnswer(question: type.questions[0].name, answer: Self.topics[index % Self.topics.count], position: 0),
            ]
            let booked = start.addingTimeInterval(-TimeInterval(2 + index % 5) * 86_400)
            made.append(addBooking(type: type, start: start, name: student.0, email: student.1,
                                   answers: answers, tracking: Tracking(), oldInvitee: nil,
                                   at: booked, rng: &rng))
        }
        cancel(made[1], by: "invitee", name: "Maria Okafor", reason: "Exam moved", at: reference.addingTimeInterval(-15 * 86_400))
        cancel(made[7], by: "host", name: user.name, reason: "Conference trip", at: reference.addingTimeInterval(-86_400))
        let noShowUUID = rng.uuid()
        invitees[made[3].inviteeUUID]?.noShow = NoShowRecord(uuid: noShowUUID, invitee: made[3],
                                                             createdAt: reference.addingTimeInterval(-4 * 86_400))
        noShows[noShowUUID] = invitees[made[3].inviteeUUID]?.noShow
        // A reschedule chain: the meeting three days ahead moved to ten days ahead.
        guard let old = invitees[made[6].inviteeUUID], let oldEvent = events[old.eventUUID],
              let type = eventTypes.first(where: { $0.uuid == oldEvent.eventTypeUUID }) else { return }
        let movedAt = reference.addingTimeInterval(-3_600)
        let newKey = addBooking(type: type, start: today.addingTimeInterval(10 * 86_400 + 14 * 3_600),
                                name: old.name, email: old.email, answers: old.answers,
                                tracking: old.tracking, oldInvitee: old.key, at: movedAt, rng: &rng)
        cancel(old.key, by: "invitee", name: old.name, reason: nil, at: movedAt)
        invitees[old.uuid]?.rescheduled = true
        invitees[old.uuid]?.newInvitee = newKey
    }

    private mutating func addBooking(
        type: EventTypeRecord, start: Date, name: String, email: String, answers: [QuestionAnswer],
        tracking: Tracking, oldInvitee: InviteeKey?, at: Date, rng: inout SeededGenerator
    ) -> InviteeKey {
        let eventUUID = rng.uuid()
        let inviteeUUID = rng.uuid()
        events[eventUUID] = ScheduledEventRecord(
            uuid: eventUUID, eventTypeUUID: type.uuid, name: type.name, status: "active", start: start,
            end: start.addingTimeInterval(TimeInterval(type.duration * 60)), location: type.location,
            createdAt: at, updatedAt: at, cancellation: nil, inviteeUUIDs: [inviteeUUID])
        invitees[inviteeUUID] = InviteeRecord(
            uuid: inviteeUUID, eventUUID: eventUUID, name: name, email: email, status: "active",
            timezone: "Europe/Berlin", answers: answers, tracking: tracking, rescheduled: false,
            oldInvitee: oldInvitee, newInvitee: nil, cancellation: nil, noShow: nil, createdAt: at, updatedAt: at)
        return InviteeKey(eventUUID: eventUUID, inviteeUUID: inviteeUUID)
    }

    private mutating func cancel(_ key: InviteeKey, by side: String, name: String, reason: String?, at: Date) {
        let record = CancellationRecord(canceledBy: name, reason: reason, cancelerType: side, createdAt: at)
        invitees[key.inviteeUUID]?.status = "canceled"
        invitees[key.inviteeUUID]?.cancellation = record
        invitees[key.inviteeUUID]?.updatedAt = at
        events[key.eventUUID]?.status = "canceled"
        events[key.eventUUID]?.cancellation = record
        events[key.eventUUID]?.updatedAt = at
    }
}
