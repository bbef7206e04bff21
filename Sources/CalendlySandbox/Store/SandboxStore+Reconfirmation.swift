import Foundation

// Calendly sends no webhook when the host asks for a reconfirmation or the invitee gives one:
// none of its webhook events covers it (the invitee merely changes, and `updated_at` moves), so
// these change the invitee quietly and a client sees it on its next read.
extension SandboxStore {
    /// The host asks the invitee to reconfirm: a fresh request, unconfirmed.
    func requestReconfirmation(inviteeUUID: String) throws(CalendlyError) -> InviteeRecord {
        guard let invitee = data.invitees[inviteeUUID] else { throw .notFound }
        guard invitee.status == "active" else { throw .permissionDenied("Event is already canceled") }
        let at = now()
        data.invitees[inviteeUUID]?.reconfirmation = ReconfirmationRecord(createdAt: at, confirmedAt: nil)
        data.invitees[inviteeUUID]?.updatedAt = at
        return data.invitees[inviteeUUID] ?? invitee
    }

    /// The invitee reconfirms; only after the host asked.
    func reconfirm(inviteeUUID: String) throws(CalendlyError) -> InviteeRecord {
        guard let invitee = data.invitees[inviteeUUID] else { throw .notFound }
        guard invitee.reconfirmation != nil else {
            throw .invalidArgument("reconfirmation", "No reconfirmation was requested for this invitee.")
        }
        let at = now()
        data.invitees[inviteeUUID]?.reconfirmation?.confirmedAt = at
        data.invitees[inviteeUUID]?.updatedAt = at
        return data.invitees[inviteeUUID] ?? invitee
    }

    /// A location change. Calendly sends it as a reschedule to the same start time
    /// (REFERENCE-2026.md): the old invitee canceled with `rescheduled`, a new event and invitee.
    func move(inviteeUUID: String, to place: String, kind: String?, byHost: Bool)
        throws(CalendlyError) -> (InviteeRecord, [OutgoingWebhook]) {
        guard let invitee = data.invitees[inviteeUUID], let event = data.events[invitee.eventUUID] else {
            throw .notFound
        }
        let location: LocationKind
        switch kind {
        case "physical": location = .physical(place)
        case "custom": location = .custom(place)
        case nil:
            if case .physical = event.location { location = .physical(place) } else { location = .custom(place) }
        default:
            throw .invalidArgument("kind", "kind must be physical or custom")
        }
        return try reschedule(inviteeUUID: inviteeUUID, to: event.start, location: location, byHost: byHost)
    }
}
