import Fluent
import Foundation

/// Chooses the student a booking belongs to (SPEC 4.2): the one named by `utm_content`, else the one
/// with the invitee's email, else a new student made from the invitee's name and email.
struct StudentMatcher {
    let db: any Database

    func student(for snapshot: InviteeSnapshot) async throws -> Student {
        if let old = snapshot.invitee.oldInvitee,
           let previous = try await Consultation.query(on: db).filter(\.$calendlyInviteeURI == old).with(\.$student).first() {
            // A rescheduled booking keeps the old booking's student.
            return previous.student
        }
        if let id = snapshot.trackedStudentID, let student = try await Student.find(id, on: db) {
            return student
        }
        let email = FieldRulesLenient.email(snapshot.invitee.email)
        if let student = try await Student.find(email: email, on: db) {
            return student
        }
        let name = (snapshot.invitee.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let student = Student(name: String((name.isEmpty ? (email.isEmpty ? "Calendly invitee" : email) : name).prefix(200)),
                              email: email, source: .calendly)
        try await student.create(on: db)
        return student
    }
}

/// Calendly's data is not the owner's typing: keep what can be kept instead of refusing it.
enum FieldRulesLenient {
    /// The email if it is one, else empty (a student may have no email).
    static func email(_ value: String?) -> String {
        (try? FieldRules.email(value)) ?? ""
    }
}
