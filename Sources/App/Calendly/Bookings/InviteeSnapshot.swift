import Foundation

/// One observation of a Calendly invitee: from a webhook (with the envelope's time) or fetched from
/// the API (with the time it was fetched). Applying observations in any order gives the same result.
struct InviteeSnapshot: Sendable {
    enum Source: Sendable, Equatable {
        case webhook(InviteeEvent)
        case api
    }

    var source: Source
    var invitee: CalendlyInvitee
    var event: CalendlyScheduledEvent
    /// When Calendly said this: the envelope's `created_at`, or the fetch time.
    var observedAt: Date

    /// When this observation was true, as precisely as Calendly tells: the envelope's `created_at`
    /// has whole seconds, so a booking and its no-show mark in the same second would tie; the
    /// invitee's `updated_at` (microseconds) breaks the tie when Calendly moves it.
    var orderingTime: Date {
        max(observedAt, invitee.updatedAt ?? observedAt)
    }

    var isCanceled: Bool {
        invitee.status == "canceled" || source == .webhook(.canceled)
    }

    /// What this observation says of the no-show mark. A no-show deletion's payload may still name
    /// the removed mark, so the event decides there.
    var noShowMarked: Bool {
        switch source {
        case .webhook(.noShowCreated): true
        case .webhook(.noShowDeleted): false
        default: invitee.noShow != nil
        }
    }
}

extension InviteeSnapshot {
    /// The booking-form answer that becomes the topic: the one to `question` when named, else the first.
    func topic(question: String?) -> String {
        let answers = (invitee.questionsAndAnswers ?? []).sorted { ($0.position ?? 0) < ($1.position ?? 0) }
        if let question {
            let wanted = question.trimmingCharacters(in: .whitespaces).lowercased()
            if let match = answers.first(where: { $0.question?.trimmingCharacters(in: .whitespaces).lowercased() == wanted }) {
                return String((match.answer ?? "").prefix(500))
            }
        }
        return String((answers.first(where: { !($0.answer ?? "").isEmpty })?.answer ?? "").prefix(500))
    }

    /// `student-<uuid>` in `utm_content`, as the Calendar page's popup sets it.
    var trackedStudentID: UUID? {
        guard let content = invitee.tracking?.utmContent, content.hasPrefix("student-") else { return nil }
        return UUID(uuidString: String(content.dropFirst("student-".count)))
    }
}

extension InviteeSnapshot {
    /// The invitee's email as students store it, or empty when it is not an email.
    var studentEmail: String {
        FieldRules.normalizedEmail(FieldRulesLenient.email(invitee.email))
    }
}

/// Calendly's data is not the owner's typing: keep what can be kept instead of refusing it.
enum FieldRulesLenient {
    /// The email if it is one, else empty (a student may have no email).
    static func email(_ value: String?) -> String {
        (try? FieldRules.email(value)) ?? ""
    }
}
