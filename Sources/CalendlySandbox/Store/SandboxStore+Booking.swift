import Foundation

/// What an invitee fills in on the booking page (or a script sends to the control API).
struct BookingRequest: Sendable {
    var eventTypeUUID: String
    var start: Date
    var name: String
    var email: String
    /// Answers by question order: index 0 is `a1`.
    var answers: [String] = []
    var tracking = Tracking()
    var timezone: String? = "UTC"
    /// Only the times `GET /event_type_available_times` lists (`POST /invitees`); the booking
    /// pages and the control API also take any free future time.
    var requireOpenTime = false
    /// What `POST /invitees` adds: name parts, guests, a reminder number, and who booked how.
    var firstName: String?
    var lastName: String?
    var guests: [String] = []
    var textReminderNumber: String?
    var schedulingMethod: String?
    var scheduledByOwner = false
    /// Replaces the event type's location (a location change, which Calendly sends as a reschedule).
    var location: LocationKind?
}

extension SandboxStore {
    /// Books a meeting as an invitee would, and returns the new invitee and its webhook.
    func book(_ request: BookingRequest) throws(CalendlyError) -> (InviteeRecord, [OutgoingWebhook]) {
        guard let type = eventType(uuid: request.eventTypeUUID) else { throw .notFound }
        try validate(request, type: type, ignoring: nil)
        let invitee = insertBooking(request, type: type, oldInvitee: nil, at: now())
        return (invitee, [webhook("invitee.created", invitee.key)])
    }

    /// The invitee or the host cancels one invitee's booking (cancel page, control API).
    func cancel(inviteeUUID: String, byHost: Bool, reason: String?) throws(CalendlyError) -> [OutgoingWebhook] {
        guard let invitee = data.invitees[inviteeUUID], let event = data.events[invitee.eventUUID] else {
            throw .notFound
        }
        guard invitee.status == "active" else { throw .permissionDenied("Event is already canceled") }
        guard event.start > now() else { throw .permissionDenied("Event in the past") }
        let record = CancellationRecord(canceledBy: byHost ? data.user.name : invitee.name, reason: reason,
                                        cancelerType: byHost ? "host" : "invitee", createdAt: now())
        markCanceled(invitee.key, record)
        return [webhook("invitee.canceled", invitee.key)]
    }

    /// `POST /scheduled_events/{uuid}/cancellation`: the host cancels the whole event.
    func cancelEvent(uuid: String, reason: String?) throws(CalendlyError) -> (CancellationRecord, [OutgoingWebhook]) {
        guard let event = data.events[uuid] else { throw .notFound }
        guard event.status == "active" else { throw .permissionDenied("Event is already canceled") }
        guard event.start > now() else { throw .permissionDenied("Event in the past") }
        let record = CancellationRecord(canceledBy: data.user.name, reason: reason, cancelerType: "host",
                                        createdAt: now())
        let active = invitees(ofEvent: uuid).filter { $0.status == "active" }
        for invitee in active { markCanceled(invitee.key, record) }
        data.events[uuid]?.status = "canceled"
        data.events[uuid]?.cancellation = record
        return (record, active.map { webhook("invitee.canceled", $0.key) })
    }

    /// A reschedule is a cancel of the old invitee plus a new event and invitee, linked both
    /// ways (REFERENCE.md §4.4).
    /// `location` replaces the place (a location change); `byHost` says who made the change.
    func reschedule(inviteeUUID: String, to start: Date, reason: String? = nil, location: LocationKind? = nil,
                    byHost: Bool = false) throws(CalendlyError) -> (InviteeRecord, [OutgoingWebhook]) {
        guard let old = data.invitees[inviteeUUID], let event = data.events[old.eventUUID],
              let type = eventType(uuid: event.eventTypeUUID) else { throw .notFound }
        guard old.status == "active" else { throw .permissionDenied("Event is already canceled") }
        guard event.start > now() else { throw .permissionDenied("Event in the past") }
        var request = BookingRequest(eventTypeUUID: type.uuid, start: start, name: old.name, email: old.email,
                                     tracking: old.tracking, timezone: old.timezone)
        request.firstName = old.firstName
        request.lastName = old.lastName
        request.guests = event.guests
        request.textReminderNumber = old.textReminderNumber
        request.location = location
        try validate(request, type: type, ignoring: event.uuid, checkAnswers: false)
        let at = now()
        let new = insertBooking(request, type: type, oldInvitee: old.key, at: at, answers: old.answers)
        markCanceled(old.key, CancellationRecord(canceledBy: byHost ? data.user.name : old.name, reason: reason,
                                                 cancelerType: byHost ? "host" : "invitee", createdAt: at))
        data.invitees[inviteeUUID]?.rescheduled = true
        data.invitees[inviteeUUID]?.newInvitee = new.key
        return (new, [webhook("invitee.canceled", old.key), webhook("invitee.created", new.key)])
    }

    // MARK: - Helpers

    func validate(_ request: BookingRequest, type: EventTypeRecord, ignoring: String?,
                  checkAnswers: Bool = true) throws(CalendlyError) {
        guard type.active else { throw .invalidArgument("event_type", "This event type is not active.") }
        let name = request.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw .invalidArgument("name", "Name can't be blank.") }
        guard request.email.contains("@"), !request.email.contains(" ") else {
            throw .invalidArgument("email", "Email is invalid.")
        }
        guard request.start > now() else { throw .timeNotOpen("Start time must be in the future.") }
        if request.requireOpenTime, !Self.isOnOpenGrid(request.start) {
            throw .timeNotOpen("Bookings start on the hour, 09:00-16:00 UTC.")
        }
        if checkAnswers {
            for question in type.questions.sorted(by: { $0.position < $1.position }) where question.required {
                let answer = request.answers.indices.contains(question.position) ? request.answers[question.position] : ""
                if answer.trimmingCharacters(in: .whitespaces).isEmpty {
                    throw .invalidArgument("a\(question.position + 1)", "\(question.name) is required.")
                }
            }
        }
        let end = request.start.addingTimeInterval(TimeInterval(type.duration * 60))
        let clash = data.events.values.contains {
            $0.status == "active" && $0.uuid != ignoring && $0.start < end && request.start < $0.end
        }
        if clash { throw .timeNotOpen("That time is no longer available.") }
    }

    private func insertBooking(_ request: BookingRequest, type: EventTypeRecord, oldInvitee: InviteeKey?,
                               at: Date, answers: [QuestionAnswer]? = nil) -> InviteeRecord {
        let eventUUID = rng.uuid()
        let inviteeUUID = rng.uuid()
        let qa = answers ?? type.questions.sorted { $0.position < $1.position }.compactMap { q -> QuestionAnswer? in
            guard request.answers.indices.contains(q.position) else { return nil }
            let answer = request.answers[q.position].trimmingCharacters(in: .whitespacesAndNewlines)
            return answer.isEmpty ? nil : QuestionAnswer(question: q.name, answer: answer, position: q.position)
        }
        data.events[eventUUID] = ScheduledEventRecord(
            uuid: eventUUID, eventTypeUUID: type.uuid, name: type.name, status: "active", start: request.start,
            end: request.start.addingTimeInterval(TimeInterval(type.duration * 60)),
            location: request.location ?? type.location,
            createdAt: at, updatedAt: at, cancellation: nil, inviteeUUIDs: [inviteeUUID], guests: request.guests)
        var invitee = InviteeRecord(
            uuid: inviteeUUID, eventUUID: eventUUID, name: request.name.trimmingCharacters(in: .whitespaces),
            email: request.email.trimmingCharacters(in: .whitespaces), status: "active",
            timezone: request.timezone, answers: qa, tracking: request.tracking, rescheduled: false,
            oldInvitee: oldInvitee, newInvitee: nil, cancellation: nil, noShow: nil, createdAt: at, updatedAt: at)
        invitee.firstName = request.firstName
        invitee.lastName = request.lastName
        invitee.textReminderNumber = request.textReminderNumber
        invitee.schedulingMethod = request.schedulingMethod
        invitee.scheduledByOwner = request.scheduledByOwner
        data.invitees[inviteeUUID] = invitee
        return invitee
    }

    private func markCanceled(_ key: InviteeKey, _ record: CancellationRecord) {
        data.invitees[key.inviteeUUID]?.status = "canceled"
        data.invitees[key.inviteeUUID]?.cancellation = record
        data.invitees[key.inviteeUUID]?.updatedAt = record.createdAt
        // A solo event is canceled with its only invitee.
        if invitees(ofEvent: key.eventUUID).allSatisfy({ $0.status == "canceled" }) {
            data.events[key.eventUUID]?.status = "canceled"
            data.events[key.eventUUID]?.cancellation = record
        }
        data.events[key.eventUUID]?.updatedAt = record.createdAt
    }

    func webhook(_ name: String, _ key: InviteeKey, noShow: NoShowRecord? = nil) -> OutgoingWebhook {
        OutgoingWebhook(event: name, createdAt: now(), payload: payload(for: key, noShow: noShow))
    }
}
