import Fluent
import Foundation
import Vapor

/// Creates, changes, archives and erases students; the API and the pages both go through here.
struct StudentEditor {
    let db: any Database
    let writer: DatabaseWriter

    struct Fields {
        var name: String?
        var email: String?
        var phone: String?
        var notes: String?
        /// An IANA name; empty clears it.
        var timeZone: String?
    }

    /// Every field is checked before any error is thrown, so a form can show them all at once.
    func create(_ fields: Fields, source: StudentSource = .manual) async throws -> Student {
        var errors = FieldErrors()
        let name = errors.collect { try FieldRules.requiredText(fields.name, field: "name", maxLength: FieldRules.Limit.name) }
        let email = errors.collect { try FieldRules.email(fields.email) }
        let phone = errors.collect { try FieldRules.optionalText(fields.phone, field: "phone", maxLength: FieldRules.Limit.phone) }
        let notes = errors.collect { try FieldRules.optionalText(fields.notes, field: "notes", maxLength: FieldRules.Limit.prose) }
        let timeZone = errors.collect { try FieldRules.optionalTimeZone(fields.timeZone) }
        try errors.throwIfAny()
        let student = Student(name: name ?? "", email: email ?? "", phone: phone ?? "", notes: notes ?? "", source: source)
        student.timeZone = timeZone.flatMap { $0.isEmpty ? nil : $0 }
        return try await writer.transaction(on: db) { db in
            try await Self.ensureEmailFree(student.email, except: nil, on: db)
            try await student.create(on: db)
            return student
        }
    }

    /// Changes only the fields given.
    func update(_ id: UUID, _ fields: Fields) async throws -> Student {
        var errors = FieldErrors()
        let name = errors.collect { try fields.name.map { try FieldRules.requiredText($0, field: "name", maxLength: FieldRules.Limit.name) } } ?? nil
        let email = errors.collect { try fields.email.map { try FieldRules.email($0) } } ?? nil
        let phone = errors.collect { try fields.phone.map { try FieldRules.optionalText($0, field: "phone", maxLength: FieldRules.Limit.phone) } } ?? nil
        let notes = errors.collect { try fields.notes.map { try FieldRules.optionalText($0, field: "notes", maxLength: FieldRules.Limit.prose) } } ?? nil
        let timeZone = errors.collect { try fields.timeZone.map { try FieldRules.optionalTimeZone($0) } } ?? nil
        try errors.throwIfAny()
        return try await writer.transaction(on: db) { db in
            guard let student = try await Student.find(id, on: db) else { throw AppError.notFound("Student") }
            if let email { try await Self.ensureEmailFree(email, except: id, on: db) }
            // Only what differs is assigned, so a page saved again unchanged changes nothing.
            if let name, name != student.name { student.name = name }
            if let email, email != student.email { student.email = email }
            if let phone, phone != student.phone { student.phone = phone }
            if let notes, notes != student.notes { student.notes = notes }
            if let timeZone, timeZone != (student.timeZone ?? "") { student.timeZone = timeZone.isEmpty ? nil : timeZone }
            try await student.save(on: db)
            return student
        }
    }

    func archive(_ id: UUID, at date: Date = Date()) async throws -> Student {
        try await writer.transaction(on: db) { db in
            guard let student = try await Student.find(id, on: db) else { throw AppError.notFound("Student") }
            if student.archivedAt == nil {
                student.archivedAt = date
                try await student.save(on: db)
            }
            return student
        }
    }

    /// Brings an archived student back to the lists; nothing else about them changed while archived.
    func restore(_ id: UUID) async throws -> Student {
        try await writer.transaction(on: db) { db in
            guard let student = try await Student.find(id, on: db) else { throw AppError.notFound("Student") }
            if student.archivedAt != nil {
                student.archivedAt = nil
                try await student.save(on: db)
            }
            return student
        }
    }

    /// Erases the student and every consultation of theirs, for good.
    func purge(_ id: UUID) async throws {
        try await writer.transaction(on: db) { db in
            guard let student = try await Student.find(id, on: db) else { throw AppError.notFound("Student") }
            try await FollowUp.query(on: db).filter(\.$student.$id == id).delete()
            try await Consultation.query(on: db).filter(\.$student.$id == id).delete()
            try await student.delete(on: db)
        }
    }

    private static func ensureEmailFree(_ email: String, except id: UUID?, on db: any Database) async throws {
        guard let other = try await Student.find(email: email, on: db), other.id != id else { return }
        throw AppError.conflict("belongs to another student, \(other.name)", field: "email")
    }
}

extension Request {
    var students: StudentEditor { StudentEditor(db: db, writer: application.databaseWriter) }
}
