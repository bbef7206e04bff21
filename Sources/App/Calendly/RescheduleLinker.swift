import Fluent
import Foundation

/// Links the two consultations of a reschedule both ways, whichever arrives first (REFERENCE §4.4):
/// the old invitee's cancel names `new_invitee`; the new invitee's create names `old_invitee`.
struct RescheduleLinker {
    let db: any Database

    /// Returns true when it changed anything.
    func link(_ consultation: Consultation, snapshot: InviteeSnapshot) async throws -> Bool {
        var changed = false
        if let oldURI = snapshot.invitee.oldInvitee, let old = try await find(oldURI) {
            changed = try await connect(old: old, new: consultation) || changed
        }
        if snapshot.isCanceled, snapshot.invitee.rescheduled == true,
           let newURI = snapshot.invitee.newInvitee, let new = try await find(newURI) {
            changed = try await connect(old: consultation, new: new) || changed
        }
        return changed
    }

    private func find(_ uri: String) async throws -> Consultation? {
        try await Consultation.query(on: db).filter(\.$calendlyInviteeURI == uri).first()
    }

    private func connect(old: Consultation, new: Consultation) async throws -> Bool {
        let oldID = try old.requireID(), newID = try new.requireID()
        guard oldID != newID else { return false }
        // Calendly's fact: the old invitee was rescheduled, even if its own cancel has not arrived yet.
        // Fluent counts every assignment as a change, so assign only what differs.
        var oldChanged = false, newChanged = false
        if old.status == .scheduled || old.status == .noShow { old.status = .rescheduled; oldChanged = true }
        if old.rescheduledToID != newID { old.rescheduledToID = newID; oldChanged = true }
        if new.rescheduledFromID != oldID { new.rescheduledFromID = oldID; newChanged = true }
        // The owner's notes follow the meeting to its new time.
        if new.notes.isEmpty && !old.notes.isEmpty { new.notes = old.notes; newChanged = true }
        if new.followUpNotes.isEmpty && !old.followUpNotes.isEmpty { new.followUpNotes = old.followUpNotes; newChanged = true }
        let previousStudentID = new.$student.id
        if previousStudentID != old.$student.id { new.$student.id = old.$student.id; newChanged = true }
        let changed = oldChanged || newChanged
        if old.hasChanges { try await old.save(on: db) }
        if new.hasChanges { try await new.save(on: db) }
        if previousStudentID != old.$student.id {
            try await removeIfOrphaned(studentID: previousStudentID)
        }
        return changed
    }

    /// A student made from this booking alone, now left with no consultation, would not exist had
    /// the deliveries arrived in the other order; remove it so the result is the same.
    private func removeIfOrphaned(studentID: UUID) async throws {
        guard let student = try await Student.find(studentID, on: db), student.source == .calendly else { return }
        let remaining = try await Consultation.query(on: db).filter(\.$student.$id == studentID).count()
        if remaining == 0 { try await student.delete(on: db) }
    }
}
