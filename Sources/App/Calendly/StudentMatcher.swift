import Foundation
import SQLKit

/// Chooses the student a booking belongs to (SPEC 4.2): the one named by `utm_content`, else the one
/// with the invitee's email, else a new student made from the invitee's name and email.
/// Plain SQL, as the rest of the webhook path (`CalendlyConsultation`).
struct StudentMatcher {
    let sql: any SQLDatabase

    func studentID(for snapshot: InviteeSnapshot, now: Date = Date()) async throws -> UUID {
        if let old = snapshot.invitee.oldInvitee,
           let previous = try await CalendlyConsultation.find(inviteeURI: old, on: sql) {
            // A rescheduled booking keeps the old booking's student.
            return previous.studentID
        }
        if let id = snapshot.trackedStudentID, let found = try await studentID(where: "id", is: id) {
            return found
        }
        let email = Student.normalizedEmail(FieldRulesLenient.email(snapshot.invitee.email))
        // `email <> ''` lets SQLite use the partial unique index instead of scanning the table.
        if !email.isEmpty, let found = try await sql.select().column("id").from(Student.schema)
            .where("email", .equal, SQLBind(email)).where("email", .notEqual, SQLLiteral.string(""))
            .first(decodingColumn: "id", as: UUID.self) {
            return found
        }
        let name = (snapshot.invitee.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let student = NewStudent(id: UUID(), name: String((name.isEmpty ? (email.isEmpty ? "Calendly invitee" : email) : name).prefix(200)),
                                 email: email, phone: "", notes: "", source: .calendly, createdAt: now, updatedAt: now)
        try await sql.insert(into: Student.schema).model(student).run()
        return student.id
    }

    private func studentID(where column: String, is id: UUID) async throws -> UUID? {
        try await sql.select().column("id").from(Student.schema).where(SQLColumn(column), .equal, SQLBind(id))
            .first(decodingColumn: "id", as: UUID.self)
    }

    /// A student row as a booking creates it.
    private struct NewStudent: Encodable, Sendable {
        var id: UUID
        var name: String
        var email: String
        var phone: String
        var notes: String
        var source: StudentSource
        var createdAt: Date
        var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, name, email, phone, notes, source, createdAt = "created_at", updatedAt = "updated_at"
        }
    }
}

/// Calendly's data is not the owner's typing: keep what can be kept instead of refusing it.
enum FieldRulesLenient {
    /// The email if it is one, else empty (a student may have no email).
    static func email(_ value: String?) -> String {
        (try? FieldRules.email(value)) ?? ""
    }
}
