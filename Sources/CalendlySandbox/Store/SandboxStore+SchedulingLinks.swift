import Foundation

extension SandboxStore {
    /// `POST /scheduling_links`: a link that books `type` once.
    func createSchedulingLink(for type: EventTypeRecord) -> SchedulingLinkRecord {
        // Calendly's look: `/d/abcd-brv8/<slug>`; lower-case so the URL reads well.
        let token = (rng.token(length: 4) + "-" + rng.token(length: 4)).lowercased()
        let record = SchedulingLinkRecord(token: token, eventTypeUUID: type.uuid, createdAt: now(), bookedInvitee: nil)
        schedulingLinks[token] = record
        return record
    }

    func schedulingLink(token: String) -> SchedulingLinkRecord? {
        schedulingLinks[token]
    }

    /// Books through a single-use link. Checking and spending the link happen in one actor
    /// call, so two invitees racing for one link cannot both book.
    func book(_ request: BookingRequest, viaLink token: String) throws(CalendlyError) -> (InviteeRecord, [OutgoingWebhook]) {
        guard let link = schedulingLinks[token], link.eventTypeUUID == request.eventTypeUUID else { throw .notFound }
        guard link.bookedInvitee == nil else { throw .linkAlreadyUsed }
        let booked = try book(request)
        schedulingLinks[token]?.bookedInvitee = booked.0.key
        return booked
    }
}
