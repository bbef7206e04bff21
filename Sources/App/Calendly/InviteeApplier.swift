import Fluent
import Foundation
import SQLKit

/// Turns Calendly invitee observations into consultations — the same code for webhooks, the
/// popup's record call and sync (SPEC 4.2 "Applying an invitee").
///
/// The consultation is keyed by the invitee URI. The result depends on which observations were
/// applied, never on their order: a cancel is final, data comes from the newest observation, and a
/// no-show toggle is taken only when it is newer than the last one seen.
struct InviteeApplier {
    enum Outcome: String, Sendable {
        case created, updated, unchanged
    }

    let db: any Database
    let topicQuestion: String?

    func apply(_ snapshot: InviteeSnapshot) async throws -> Outcome {
        try await Self.serializeOnPostgres(db)
        let invitee = snapshot.invitee
        let existing = try await Consultation.query(on: db).filter(\.$calendlyInviteeURI == invitee.uri).first()
        let consultation = existing ?? Consultation()
        let before = existing.map(Fingerprint.init)
        if existing == nil {
            try await fillNew(consultation, from: snapshot)
        } else if Self.isNewer(snapshot, than: consultation) {
            Self.copyEventData(snapshot, into: consultation)
        }
        Self.applyStatus(snapshot, to: consultation)
        // Fluent marks every assigned field as changed, equal or not, so compare what a reader sees.
        let changed = before != Fingerprint(consultation)
        if existing == nil {
            try await consultation.create(on: db)
        } else if consultation.hasChanges {
            try await consultation.save(on: db)
        }
        let linked = try await RescheduleLinker(db: db).link(consultation, snapshot: snapshot)
        if existing == nil { return .created }
        return changed || linked ? .updated : .unchanged
    }

    /// The fields Calendly's data decides, as a reader sees them; bookkeeping times are left out.
    struct Fingerprint: Equatable {
        var values: [String]

        init(_ c: Consultation) {
            func ms(_ date: Date?) -> String { date.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? "-" }
            let answers = (c.questionsAndAnswers ?? []).map { "\($0.position)|\($0.question)|\($0.answer)" }
            values = [c.status.rawValue, ms(c.consultationDate), ms(c.endDate), String(c.duration), c.location ?? "-", c.joinURL ?? "-",
                      c.calendlyEventURI ?? "-", c.calendlyEventTypeURI ?? "-", c.cancelURL ?? "-", c.rescheduleURL ?? "-",
                      c.inviteeTimezone ?? "-", ms(c.canceledAt), c.canceledBy ?? "-", c.cancelReason ?? "-",
                      c.calendlyNoShow.map { String($0) } ?? "-"] + answers
        }
    }

    // MARK: - Fields

    private func fillNew(_ consultation: Consultation, from snapshot: InviteeSnapshot) async throws {
        let student = try await StudentMatcher(db: db).student(for: snapshot)
        consultation.$student.id = try student.requireID()
        consultation.calendlyInviteeURI = snapshot.invitee.uri
        consultation.type = String((snapshot.event.name ?? "Calendly meeting").prefix(200))
        consultation.topic = snapshot.topic(question: topicQuestion)
        consultation.notes = ""
        consultation.followUpNotes = ""
        consultation.status = .scheduled
        Self.copyEventData(snapshot, into: consultation)
    }

    /// Newer Calendly data wins; the owner's own text (type, topic, notes) is theirs once created.
    static func isNewer(_ snapshot: InviteeSnapshot, than consultation: Consultation) -> Bool {
        guard let stored = consultation.calendlyUpdatedAt else { return true }
        return (snapshot.invitee.updatedAt ?? snapshot.observedAt) > stored
    }

    static func copyEventData(_ snapshot: InviteeSnapshot, into consultation: Consultation) {
        let event = snapshot.event
        let invitee = snapshot.invitee
        consultation.consultationDate = event.startTime
        consultation.endDate = event.endTime
        consultation.duration = max(1, Int((event.endTime.timeIntervalSince(event.startTime) / 60).rounded()))
        consultation.location = event.location?.location ?? event.location?.type
        consultation.joinURL = event.location?.joinUrl
        consultation.calendlyEventURI = event.uri
        consultation.calendlyEventTypeURI = event.eventType
        consultation.cancelURL = invitee.cancelUrl
        consultation.rescheduleURL = invitee.rescheduleUrl
        consultation.inviteeTimezone = invitee.timezone
        consultation.questionsAndAnswers = (invitee.questionsAndAnswers ?? []).enumerated().map { index, answer in
            QuestionAndAnswer(question: answer.question ?? "", answer: answer.answer ?? "", position: answer.position ?? index)
        }
        consultation.calendlyUpdatedAt = invitee.updatedAt ?? snapshot.observedAt
    }

    // MARK: - Status

    static func applyStatus(_ snapshot: InviteeSnapshot, to consultation: Consultation) {
        let cancellation = snapshot.invitee.cancellation ?? snapshot.event.cancellation
        if snapshot.isCanceled {
            // Final: a create that arrives later never revives it.
            consultation.status = snapshot.invitee.rescheduled == true ? .rescheduled : .canceled
            consultation.canceledAt = cancellation?.createdAt ?? consultation.canceledAt ?? snapshot.observedAt
            consultation.canceledBy = cancellation?.canceledBy ?? cancellation?.cancelerType ?? consultation.canceledBy
            consultation.cancelReason = cancellation?.reason ?? consultation.cancelReason
        }
        // The no-show mark is tracked on canceled invitees too, so a booking first seen canceled
        // (by sync) ends with the same mark as one seen created and then canceled (by webhooks).
        if consultation.noShowChangedAt.map({ snapshot.orderingTime > $0 }) ?? true {
            let wasMarked = consultation.calendlyNoShow == true
            consultation.calendlyNoShow = snapshot.noShowMarked
            consultation.noShowChangedAt = snapshot.orderingTime
            if consultation.status == .scheduled || consultation.status == .noShow {
                if snapshot.noShowMarked {
                    consultation.status = .noShow
                } else if wasMarked {
                    consultation.status = .scheduled
                }
            }
        }
    }

    /// On PostgreSQL several app instances may apply at once; one advisory lock per transaction
    /// serialises them (SQLite's writers are already serialised by `DatabaseWriter`).
    static func serializeOnPostgres(_ db: any Database) async throws {
        let sql = try db.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT pg_advisory_xact_lock(7243001)").run()
    }
}
