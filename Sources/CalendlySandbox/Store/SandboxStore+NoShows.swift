import Foundation

extension SandboxStore {
    /// `POST /invitee_no_shows`: marks an invitee as a no-show.
    func markNoShow(_ key: InviteeKey) throws(CalendlyError) -> (NoShowRecord, [OutgoingWebhook]) {
        guard let invitee = data.invitees[key.inviteeUUID] else { throw .notFound }
        if invitee.noShow != nil {
            throw .invalidArgument("invitee", "This invitee is already marked as a no-show.")
        }
        let record = NoShowRecord(uuid: rng.uuid(), invitee: key, createdAt: now())
        data.noShows[record.uuid] = record
        data.invitees[key.inviteeUUID]?.noShow = record
        data.invitees[key.inviteeUUID]?.updatedAt = record.createdAt
        return (record, [webhook("invitee_no_show.created", key)])
    }

    /// `DELETE /invitee_no_shows/{uuid}`: takes the mark back. The webhook's `payload.no_show`
    /// still names the mark that was removed, so a receiver can tell which one went.
    func unmarkNoShow(uuid: String) throws(CalendlyError) -> [OutgoingWebhook] {
        guard let record = data.noShows.removeValue(forKey: uuid) else { throw .notFound }
        data.invitees[record.invitee.inviteeUUID]?.noShow = nil
        data.invitees[record.invitee.inviteeUUID]?.updatedAt = now()
        return [webhook("invitee_no_show.deleted", record.invitee, noShow: record)]
    }
}
