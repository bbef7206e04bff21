import Foundation

/// Chooses the student a booking belongs to (SPEC 4.2): the one named by `utm_content`, else the one
/// with the invitee's email, else a new student made from the invitee's name and email.
struct StudentMatcher {
    let bookings: BookingBatch

    func studentID(for snapshot: InviteeSnapshot, now: Date = Date()) async throws -> UUID {
        if let old = snapshot.invitee.oldInvitee, let previous = try await bookings.consultation(inviteeURI: old) {
            // A rescheduled booking keeps the old booking's student.
            return previous.studentID
        }
        if let id = snapshot.trackedStudentID, try await bookings.studentExists(id) {
            return id
        }
        let email = snapshot.studentEmail
        if !email.isEmpty, let found = try await bookings.studentID(email: email) {
            return found
        }
        let name = (snapshot.invitee.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let student = StudentRow(id: TimeOrderedID.make(), name: String((name.isEmpty ? (email.isEmpty ? "Calendly invitee" : email) : name).prefix(200)),
                                              email: email, createdAt: now, updatedAt: now)
        bookings.insertStudent(student)
        return student.id
    }
}
