import Fluent
import Foundation
import Vapor

/// Adds, changes, ticks off and deletes follow-ups; the API and the pages both go through here.
struct FollowUpEditor {
    let db: any Database
    let writer: DatabaseWriter

    struct NewFollowUp {
        var studentID: UUID?
        var consultationID: UUID?
        var text: String?
        var owner: String?
        var dueOn: String?
    }

    /// A field a change may leave alone, clear, or set.
    enum Change<Value: Sendable>: Sendable {
        case keep
        case clear
        case set(Value)
    }

    struct Changes: Sendable {
        var text: String?
        var owner: String?
        var dueOn: Change<String> = .keep
        var done: Bool?
    }

    /// Every field is checked before any error is thrown, so a form can show them all at once.
    func create(_ new: NewFollowUp) async throws -> FollowUp {
        var errors = FieldErrors()
        let text = errors.collect { try FieldRules.requiredText(new.text, field: "text", maxLength: FieldRules.Limit.followUp) }
        let owner = errors.collect { try Self.owner(new.owner ?? FollowUpOwner.mentor.rawValue) }
        let dueOn = errors.collect { try FieldRules.date(new.dueOn, field: "due_on") } ?? nil
        if new.studentID == nil, new.consultationID == nil {
            errors.add(field: "student_id", "is required (or a consultation_id, whose student is meant)")
        }
        try errors.throwIfAny()
        return try await writer.transaction(on: db) { db in
            let studentID = try await Self.student(new.studentID, consultation: new.consultationID, on: db)
            let followUp = FollowUp(studentID: studentID, consultationID: new.consultationID, text: text ?? "",
                                    owner: owner ?? .mentor, dueOn: dueOn)
            try await followUp.create(on: db)
            return followUp
        }
    }

    func update(_ id: UUID, _ changes: Changes, now: Date = Date()) async throws -> FollowUp {
        var errors = FieldErrors()
        let text = errors.collect { try changes.text.map { try FieldRules.requiredText($0, field: "text", maxLength: FieldRules.Limit.followUp) } } ?? nil
        let owner = errors.collect { try changes.owner.map(Self.owner) } ?? nil
        var dueOn: String?? = nil
        switch changes.dueOn {
        case .keep: break
        case .clear: dueOn = .some(nil)
        case .set(let value): if let checked = errors.collect({ try FieldRules.date(value, field: "due_on") }) { dueOn = .some(checked) }
        }
        try errors.throwIfAny()
        let newDueOn = dueOn, done = changes.done
        return try await writer.transaction(on: db) { db in
            guard let followUp = try await FollowUp.find(id, on: db) else { throw AppError.notFound("Follow-up") }
            // Only what differs is assigned, so saving a form unchanged changes nothing.
            if let text, text != followUp.text { followUp.text = text }
            if let owner, owner != followUp.owner { followUp.owner = owner }
            if let newDueOn, newDueOn != followUp.dueOn { followUp.dueOn = newDueOn }
            if let done, done != !followUp.isOpen { followUp.doneAt = done ? now : nil }
            try await followUp.save(on: db)
            return followUp
        }
    }

    func delete(_ id: UUID) async throws {
        try await writer.transaction(on: db) { db in
            guard let followUp = try await FollowUp.find(id, on: db) else { throw AppError.notFound("Follow-up") }
            try await followUp.delete(on: db)
        }
    }

    static func owner(_ value: String) throws -> FollowUpOwner {
        guard let owner = FollowUpOwner(rawValue: value) else {
            throw AppError.invalid(field: "owner", message: "must be mentor or student")
        }
        return owner
    }

    /// The student a follow-up belongs to: the one named, which must be the consultation's own
    /// when both are given, or else the consultation's.
    private static func student(_ studentID: UUID?, consultation consultationID: UUID?, on db: any Database) async throws -> UUID {
        var owner: UUID?
        if let consultationID {
            guard let consultation = try await Consultation.find(consultationID, on: db) else {
                throw AppError.notFoundField(field: "consultation_id", message: "no consultation has this id")
            }
            owner = consultation.$student.id
        }
        if let studentID {
            guard try await Student.find(studentID, on: db) != nil else {
                throw AppError.notFoundField(field: "student_id", message: "no student has this id")
            }
            if let owner, owner != studentID {
                throw AppError.invalid(field: "consultation_id", message: "is a consultation of another student")
            }
            return studentID
        }
        guard let owner else { throw AppError.invalid(field: "student_id", message: "is required") }
        return owner
    }
}

extension Request {
    var followUps: FollowUpEditor { FollowUpEditor(db: db, writer: application.databaseWriter) }
}
