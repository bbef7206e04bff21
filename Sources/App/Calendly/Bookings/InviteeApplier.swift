import Foundation

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

    let bookings: BookingBatch
    let topicQuestion: String?

    func apply(_ snapshot: InviteeSnapshot, now: Date = Date()) async throws -> Outcome {
        let existing = try await bookings.consultation(inviteeURI: snapshot.invitee.uri)
        var consultation: ConsultationRow
        if let existing {
            consultation = existing
            if Self.isNewer(snapshot, than: consultation) { Self.copyEventData(snapshot, into: &consultation) }
        } else {
            let studentID = try await StudentMatcher(bookings: bookings).studentID(for: snapshot, now: now)
            consultation = ConsultationRow(studentID: studentID, inviteeURI: snapshot.invitee.uri,
                                                type: String((snapshot.event.name ?? "Calendly meeting").prefix(200)),
                                                topic: snapshot.topic(question: topicQuestion), startsAt: snapshot.event.startTime)
            Self.copyEventData(snapshot, into: &consultation)
            bookings.noteBookedTimeZone(snapshot.invitee.timezone, studentID: studentID)
        }
        Self.applyStatus(snapshot, to: &consultation)
        if let existing {
            // Bookkeeping (when Calendly last spoke) is stored too, but only what a reader sees counts as a change.
            if consultation != existing { try await bookings.update(&consultation, now: now) }
        } else {
            bookings.insert(&consultation, now: now)
        }
        let linked = try await RescheduleLinker(bookings: bookings).link(&consultation, snapshot: snapshot)
        guard let existing else { return .created }
        return Fingerprint(existing) != Fingerprint(consultation) || linked ? .updated : .unchanged
    }

    /// The fields Calendly's data decides, as a reader sees them (to the millisecond); bookkeeping
    /// times are left out.
    struct Fingerprint: Equatable {
        var values: [String]

        init(_ c: ConsultationRow) {
            func ms(_ date: Date?) -> String { date.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? "-" }
            let answers = (c.questionsAndAnswers ?? []).map { "\($0.position)|\($0.question)|\($0.answer)" }
            values = [c.status.rawValue, ms(c.consultationDate), ms(c.endDate), String(c.duration), c.location ?? "-", c.joinURL ?? "-",
                      c.calendlyEventURI ?? "-", c.calendlyEventTypeURI ?? "-", c.cancelURL ?? "-", c.rescheduleURL ?? "-",
                      c.inviteeTimezone ?? "-", ms(c.canceledAt), c.canceledBy ?? "-", c.cancelReason ?? "-",
                      c.calendlyNoShow.map { String($0) } ?? "-", c.schedulingMethod ?? "-", c.inviteeScheduledBy ?? "-",
                      ms(c.reconfirmationRequestedAt), ms(c.reconfirmedAt), String(c.moved)] + answers
        }
    }

    // MARK: - Fields

    /// Newer Calendly data wins; the owner's own text (type, topic, notes) is theirs once created.
    static func isNewer(_ snapshot: InviteeSnapshot, than consultation: ConsultationRow) -> Bool {
        guard let stored = consultation.calendlyUpdatedAt else { return true }
        return (snapshot.invitee.updatedAt ?? snapshot.observedAt) > stored
    }

    static func copyEventData(_ snapshot: InviteeSnapshot, into consultation: inout ConsultationRow) {
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
        consultation.schedulingMethod = invitee.schedulingMethod.map { String($0.prefix(100)) }
        consultation.inviteeScheduledBy = invitee.inviteeScheduledBy.map { String($0.prefix(500)) }
        consultation.reconfirmationRequestedAt = invitee.reconfirmation?.createdAt
        consultation.reconfirmedAt = invitee.reconfirmation?.confirmedAt
    }

    // MARK: - Status

    static func applyStatus(_ snapshot: InviteeSnapshot, to consultation: inout ConsultationRow) {
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
        if NoShowOrdering.takes(snapshot, over: consultation) {
            let wasMarked = consultation.calendlyNoShow == true
            consultation.calendlyNoShow = snapshot.noShowMarked
            consultation.noShowChangedAt = NoShowOrdering.stored(snapshot.orderingTime)
            // The mark this observation names, set or removed (a removal's webhook still names it):
            // kept after a removal too, since the mark last seen orders ties.
            if let mark = snapshot.invitee.noShow?.uri, snapshot.noShowMarked || snapshot.source != .api {
                consultation.noShowMarkURI = mark
            }
            if consultation.status == .scheduled || consultation.status == .noShow {
                if snapshot.noShowMarked {
                    consultation.status = .noShow
                } else if wasMarked {
                    consultation.status = .scheduled
                }
            }
        }
    }
}
