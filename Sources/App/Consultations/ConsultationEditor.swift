import Fluent
import Foundation
import Vapor

/// Creates and edits consultations by hand; Calendly bookings arrive through the Calendly code instead.
struct ConsultationEditor {
    let db: any Database
    let writer: DatabaseWriter
    /// Sends a changed no-show mark to Calendly once the change is stored; nil in tests of the editor alone.
    var noShowSender: NoShowSender?

    struct NewConsultation {
        var studentID: UUID
        var type: String?
        var consultationDate: Date
        var duration: Int
        var topic: String?
        var notes: String?
        var followUpNotes: String?
        var status: String?
    }

    struct Changes {
        var type: String?
        var topic: String?
        var notes: String?
        var followUpNotes: String?
        var status: String?
    }

    /// A person can only move a consultation to these; the others come from Calendly.
    static let editableStatuses: [ConsultationStatus] = [.scheduled, .completed, .noShow]

    /// Held (completed) and no-show describe a meeting that has started; either can be undone
    /// (back to scheduled). Canceled and rescheduled come only from Calendly and are final.
    static func checkStatusChange(from current: ConsultationStatus, to new: ConsultationStatus, startsAt: Date, now: Date) throws {
        if current == .canceled || current == .rescheduled, new != current {
            throw AppError.invalid(field: "status", message: "a \(current.rawValue) meeting cannot become \(new.rawValue): canceled and rescheduled come only from Calendly")
        }
        if (new == .completed || new == .noShow), new != current, startsAt > now {
            throw AppError.invalid(field: "status", message: "can become completed or no_show only once the meeting has started")
        }
    }

    /// Every field is checked before any error is thrown, so a form can show them all at once.
    func create(_ new: NewConsultation, earlier: FieldErrors = FieldErrors()) async throws -> Consultation {
        var errors = earlier
        let type = errors.collect { try FieldRules.requiredText(new.type, field: "type", maxLength: FieldRules.Limit.consultationType) }
        let duration = errors.collect { try FieldRules.duration(new.duration) }
        let topic = errors.collect { try FieldRules.optionalText(new.topic, field: "topic", maxLength: FieldRules.Limit.topic) }
        let notes = errors.collect { try FieldRules.optionalText(new.notes, field: "notes", maxLength: FieldRules.Limit.prose) }
        let followUp = errors.collect { try FieldRules.optionalText(new.followUpNotes, field: "follow_up_notes", maxLength: FieldRules.Limit.prose) }
        let now = Date()
        let status = errors.collect { () throws -> ConsultationStatus in
            // A meeting logged after it began is one that was held, unless the owner says otherwise.
            let status = try new.status.map { try FieldRules.status($0, allowed: Self.editableStatuses) }
                ?? (new.consultationDate <= now ? .completed : .scheduled)
            try Self.checkStatusChange(from: .scheduled, to: status, startsAt: new.consultationDate, now: now)
            return status
        }
        try errors.throwIfAny()
        let consultation = Consultation(
            studentID: new.studentID, type: type ?? "", consultationDate: new.consultationDate, duration: duration ?? 0,
            topic: topic ?? "", notes: notes ?? "", followUpNotes: followUp ?? "", status: status ?? .scheduled
        )
        return try await writer.transaction(on: db) { db in
            guard let student = try await Student.find(new.studentID, on: db) else {
                throw AppError.notFoundField(field: "student_id", message: "no student has this id")
            }
            try await consultation.create(on: db)
            consultation.$student.value = student
            return consultation
        }
    }

    func update(_ id: UUID, _ changes: Changes) async throws -> Consultation {
        var errors = FieldErrors()
        let type = errors.collect { try changes.type.map { try FieldRules.requiredText($0, field: "type", maxLength: FieldRules.Limit.consultationType) } } ?? nil
        let topic = errors.collect { try changes.topic.map { try FieldRules.optionalText($0, field: "topic", maxLength: FieldRules.Limit.topic) } } ?? nil
        let notes = errors.collect { try changes.notes.map { try FieldRules.optionalText($0, field: "notes", maxLength: FieldRules.Limit.prose) } } ?? nil
        let followUp = errors.collect { try changes.followUpNotes.map { try FieldRules.optionalText($0, field: "follow_up_notes", maxLength: FieldRules.Limit.prose) } } ?? nil
        let status = errors.collect { try changes.status.map { try FieldRules.status($0, allowed: Self.editableStatuses) } } ?? nil
        try errors.throwIfAny()
        let saved = try await writer.transaction(on: db) { db in
            guard let consultation = try await Consultation.query(on: db).filter(\.$id == id).with(\.$student).first() else {
                throw AppError.notFound("Consultation")
            }
            if let status {
                try Self.checkStatusChange(from: consultation.status, to: status, startsAt: consultation.consultationDate, now: Date())
            }
            // Only what differs is assigned: Fluent counts any assignment as a change, and a page
            // saved again unchanged must change nothing, not even `updated_at`.
            if let type, type != consultation.type { consultation.type = type }
            if let topic, topic != consultation.topic { consultation.topic = topic }
            if let notes, notes != consultation.notes { consultation.notes = notes }
            if let followUp, followUp != consultation.followUpNotes { consultation.followUpNotes = followUp }
            if let status, status != consultation.status {
                if (status == .noShow) != (consultation.status == .noShow), consultation.calendlyInviteeURI != nil {
                    // Calendly's mark follows (SPEC 4.5): `NoShowSender` sends it once this is stored.
                    consultation.noShowSendError = NoShowSender.pending
                    consultation.noShowChangedAt = NoShowOrdering.stored(Date())
                }
                consultation.status = status
            }
            try await consultation.save(on: db)
            return consultation
        }
        guard let noShowSender, saved.noShowSendError == NoShowSender.pending else { return saved }
        await noShowSender.send(id)
        return try await Consultation.query(on: db).filter(\.$id == id).with(\.$student).first() ?? saved
    }

    func delete(_ id: UUID) async throws {
        try await writer.transaction(on: db) { db in
            guard let consultation = try await Consultation.find(id, on: db) else { throw AppError.notFound("Consultation") }
            // What was promised there stays with the student.
            try await FollowUp.query(on: db).filter(\.$consultation.$id == id).set(\.$consultation.$id, to: nil).update()
            try await consultation.delete(on: db)
        }
    }
}

extension Request {
    var consultations: ConsultationEditor {
        ConsultationEditor(db: db, writer: application.databaseWriter, noShowSender: application.noShowSender)
    }
}
