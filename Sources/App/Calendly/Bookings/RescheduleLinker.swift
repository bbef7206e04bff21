import Foundation

/// Links the two consultations of a reschedule both ways, whichever arrives first (REFERENCE §4.4):
/// the old invitee's cancel names `new_invitee`; the new invitee's create names `old_invitee`.
struct RescheduleLinker {
    let bookings: BookingBatch

    /// Links `consultation` (already stored) with the other half of its reschedule, if that is
    /// stored too; updates both as needed. Returns true when it changed anything.
    func link(_ consultation: inout ConsultationRow, snapshot: InviteeSnapshot) async throws -> Bool {
        var changed = false
        if let oldURI = snapshot.invitee.oldInvitee, var old = try await bookings.consultation(inviteeURI: oldURI) {
            changed = try await connect(old: &old, new: &consultation) || changed
        }
        if snapshot.isCanceled, snapshot.invitee.rescheduled == true,
           let newURI = snapshot.invitee.newInvitee, var new = try await bookings.consultation(inviteeURI: newURI) {
            changed = try await connect(old: &consultation, new: &new) || changed
        }
        return changed
    }

    private func connect(old: inout ConsultationRow, new: inout ConsultationRow) async throws -> Bool {
        guard old.id != new.id else { return false }
        let oldBefore = old, newBefore = new
        // Calendly's fact: the old invitee was rescheduled, even if its own cancel has not arrived yet.
        if old.status == .scheduled || old.status == .noShow { old.status = .rescheduled }
        old.rescheduledToID = new.id
        new.rescheduledFromID = old.id
        // Calendly sends a change of place as a reschedule to the same time: a move, not a new time.
        let moved = abs(old.consultationDate.timeIntervalSince(new.consultationDate)) < 1
        old.moved = moved
        new.moved = moved
        // The owner's notes follow the meeting to its new time.
        if new.notes.isEmpty && !old.notes.isEmpty { new.notes = old.notes }
        if new.followUpNotes.isEmpty && !old.followUpNotes.isEmpty { new.followUpNotes = old.followUpNotes }
        let previousStudentID = new.studentID
        new.studentID = old.studentID
        let oldChanged = old != oldBefore, newChanged = new != newBefore
        if oldChanged { try await bookings.update(&old) }
        if newChanged { try await bookings.update(&new) }
        if previousStudentID != old.studentID {
            // A student made from this booking alone, now left with no consultation, would not
            // exist had the deliveries arrived in the other order; remove it so the result is the same.
            try await bookings.removeStudentIfOrphaned(previousStudentID)
        }
        return oldChanged || newChanged
    }
}
