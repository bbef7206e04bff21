import Foundation

/// Whether an observation of Calendly's no-show mark changes the consultation (SPEC 4.2, 4.5).
///
/// Times are compared in whole milliseconds and stored so: PostgreSQL keeps microseconds and
/// SQLite a double, so a microsecond time read back from either differs in its last digits, and
/// two observations that tie would be ordered differently by the two databases.
enum NoShowOrdering {
    static func takes(_ snapshot: InviteeSnapshot, over consultation: ConsultationRow) -> Bool {
        if isEcho(snapshot, of: consultation.noShowSent) { return false }
        // The owner's change has not reached Calendly yet: what a fetch reads there is older than
        // it, whatever the fetch time says; the send is retried instead.
        if consultation.noShowSendError != nil, snapshot.source == .api { return false }
        guard let stored = consultation.noShowChangedAt else { return true }
        let incoming = milliseconds(snapshot.orderingTime), known = milliseconds(stored)
        return incoming == known ? breaksTie(snapshot, over: consultation) : incoming > known
    }

    /// Calendly's envelope time has whole seconds and the invitee's `updated_at` need not move for
    /// a mark, so a mark, its removal and a new mark can all carry the same time. What is known of
    /// marks orders them then: a mark's removal comes after the mark, and a new mark (URIs are never
    /// reused, and an invitee has one mark at a time) comes after the removal of the one before.
    /// Were the new mark older, its own removal would follow and win its tie the same way.
    static func breaksTie(_ snapshot: InviteeSnapshot, over consultation: ConsultationRow) -> Bool {
        guard case .webhook(let event) = snapshot.source, let uri = snapshot.invitee.noShow?.uri,
              let known = consultation.noShowMarkURI else { return false }
        let marked = consultation.calendlyNoShow == true
        switch event {
        case .noShowDeleted: return marked && known == uri
        case .noShowCreated: return !marked && known != uri
        default: return false
        }
    }

    /// A time as the no-show ordering keeps it: cut to the millisecond both databases hold exactly.
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds(date)) / 1000)
    }

    /// Whole milliseconds since 1970. A stored time is a whole millisecond give or take a
    /// microsecond (PostgreSQL may cut 0.123 s to 0.122999 s on the way in), hence the 10 µs nudge
    /// before cutting.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000 + 0.01).rounded(.down))
    }

    /// Calendly's webhook for the mark the CRM itself created or deleted. A mark the CRM created
    /// and later deleted cannot be created again (URIs are not reused), so its creation is stale too.
    static func isEcho(_ snapshot: InviteeSnapshot, of sent: String?) -> Bool {
        guard let sent, case .webhook(let event) = snapshot.source,
              let uri = snapshot.invitee.noShow?.uri else { return false }
        switch event {
        case .noShowCreated: return sent == "created \(uri)" || sent == "deleted \(uri)"
        case .noShowDeleted: return sent == "deleted \(uri)"
        default: return false
        }
    }

    static func sent(_ action: String, _ uri: String) -> String { "\(action) \(uri)" }
}
