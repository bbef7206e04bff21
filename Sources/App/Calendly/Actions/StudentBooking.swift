import Fluent
import Foundation
import Vapor

/// Books a meeting for a student through Calendly's Scheduling API (`POST /invitees`, SPEC 4.5)
/// and records it at once; the webhook that follows is a duplicate of what is recorded.
///
/// Everything the CRM can check is checked before Calendly is asked, each a 4xx naming its field,
/// so a refused booking sends nothing. A second identical request while the first is on its way
/// (a double click) waits for it and answers the same consultation: it books once.
struct StudentBooking {
    let app: Application

    struct Request: Sendable {
        var studentID: String?
        var eventType: String?
        var startTime: String?
        var topic: String?
        /// Answers to the event type's questions, by the question's exact text.
        var answers: [String: String] = [:]
        /// The owner's zone: the invitee's when the student has none.
        var ownerZone: String
    }

    /// What booking needs of a student and an event type; also what a single-use link needs.
    struct Target: Sendable {
        var student: StudentSnapshot
        var eventType: CalendlyEventType
    }

    struct StudentSnapshot: Sendable {
        var id: UUID
        var name: String
        var email: String
        var timeZone: String?
    }

    func book(_ request: Request, now: Date = Date()) async throws -> Consultation {
        var errors = FieldErrors()
        let target = try await checkTarget(studentID: request.studentID, eventType: request.eventType, errors: &errors)
        let start = errors.collect { () throws -> Date in
            guard let raw = request.startTime?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
                throw AppError.invalid(field: "start_time", message: "is required: choose one of the open times")
            }
            guard let date = ISO8601.parse(raw) else {
                throw AppError.invalid(field: "start_time", message: "is not an ISO 8601 date-time such as 2026-12-01T15:00:00Z")
            }
            guard date > now else { throw AppError.invalid(field: "start_time", message: "is in the past") }
            return date
        }
        let topic = errors.collect { try FieldRules.optionalText(request.topic, field: "topic", maxLength: FieldRules.Limit.topic) }
        let answers = target.map { Self.answers(for: $0.eventType, given: request.answers, topic: topic ?? "",
                                                topicQuestion: app.appConfig.calendly.topicQuestion, errors: &errors) } ?? []
        try errors.throwIfAny()
        guard let target, let start else { throw AppError.invalid(field: "start_time", message: "is required") }
        let key = BookingKey(studentID: target.student.id, eventType: target.eventType.uri, start: NoShowOrdering.milliseconds(start))
        let id = try await app.bookingsInFlight.once(key) {
            try await send(target, start: start, answers: answers, ownerZone: request.ownerZone)
        }
        guard let consultation = try await Consultation.query(on: app.db).filter(\.$id == id).with(\.$student).first() else {
            throw AppError.notFound("Consultation")
        }
        return consultation
    }

    /// Checks the student (a UUID, known, not archived, with an email) and the event type (one of
    /// the owner's active ones), collecting each problem under its field.
    func checkTarget(studentID: String?, eventType: String?, errors: inout FieldErrors) async throws -> Target? {
        var student: StudentSnapshot?
        if let id = errors.collect({ try FieldRules.uuid(studentID, field: "student_id") }) {
            if let found = try await Student.find(id, on: app.db) {
                if found.archivedAt != nil {
                    errors.add(field: "student_id", "is archived; restore the student before booking")
                } else if found.email.isEmpty {
                    errors.add(field: "email", "is empty: Calendly needs the student's email to book; add it on the student's page")
                } else {
                    student = StudentSnapshot(id: id, name: found.name, email: found.email, timeZone: found.timeZone)
                }
            } else {
                errors.add(field: "student_id", "no student has this id")
            }
        }
        let type = try await eventTypeChecked(eventType, errors: &errors)
        guard let student, let type else { return nil }
        return Target(student: student, eventType: type)
    }

    /// One of the owner's active event types, by URI.
    func eventTypeChecked(_ uri: String?, errors: inout FieldErrors) async throws -> CalendlyEventType? {
        guard let uri = uri?.trimmingCharacters(in: .whitespaces), !uri.isEmpty else {
            errors.add(field: "event_type", "is required: choose a meeting type")
            return nil
        }
        let account: CalendlyAccount
        switch await app.calendly.account(app.appConfig) {
        case .success(let found): account = found
        case .failure(let error): throw error.asActionError
        }
        guard let type = account.eventTypes.first(where: { $0.uri == uri && $0.active != false }) else {
            errors.add(field: "event_type", "is not one of your active Calendly meeting types")
            return nil
        }
        return type
    }

    /// The answers Calendly gets, with the question text exactly as Calendly has it; a required
    /// question left empty is an error naming it. The topic answers the topic question.
    static func answers(for type: CalendlyEventType, given: [String: String], topic: String, topicQuestion: String?,
                        errors: inout FieldErrors) -> [CalendlyBookingRequest.Answer] {
        let questions = askedQuestions(type)
        let topicTarget = topicQuestion?.trimmingCharacters(in: .whitespaces).lowercased()
        var answers: [CalendlyBookingRequest.Answer] = []
        for (index, question) in questions.enumerated() {
            let text = question.name ?? ""
            var answer = (given[text] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let isTopicQuestion = topicTarget.map { text.lowercased() == $0 } ?? (index == 0)
            if answer.isEmpty, isTopicQuestion { answer = topic }
            if answer.unicodeScalars.count > 10_000 {
                errors.add(field: "answers", "the answer to “\(text)” is longer than 10,000 characters")
            } else if answer.isEmpty {
                if question.required == true { errors.add(field: "answers", "“\(text)” needs an answer: Calendly requires it") }
            } else {
                answers.append(.init(question: text, answer: answer, position: question.position ?? index))
            }
        }
        return answers
    }

    /// The questions the booking form asks, in Calendly's order.
    static func askedQuestions(_ type: CalendlyEventType) -> [CalendlyCustomQuestion] {
        (type.customQuestions ?? []).filter { $0.enabled != false && !($0.name ?? "").isEmpty }
            .sorted { ($0.position ?? 0) < ($1.position ?? 0) }
    }

    private func send(_ target: Target, start: Date, answers: [CalendlyBookingRequest.Answer], ownerZone: String) async throws -> UUID {
        let student = target.student
        let booking = CalendlyBookingRequest(
            eventType: target.eventType.uri, startTime: ISO8601.format(start),
            invitee: .init(email: student.email, timezone: student.timeZone ?? ownerZone, name: student.name),
            questionsAndAnswers: answers, tracking: .init(utmContent: "student-\(student.id.uuidString)"))
        do {
            let client = try app.calendly.client(app.appConfig.calendly)
            let invitee = try await client.bookInvitee(booking)
            // The booking is made: from here on nothing may fail the request without recording it.
            let event = (try? await client.scheduledEvent(invitee.event ?? "")) ?? Self.eventAsBooked(invitee, type: target.eventType, start: start)
            let (_, consultation) = try await app.calendlySync().record(invitee, event: event)
            return try consultation.requireID()
        } catch let error as CalendlyError {
            throw error.asActionError
        }
    }

    /// The event as the booking described it, when Calendly could not be asked for it a moment
    /// after booking; the webhook or the next sync fills in the rest (location, join link).
    static func eventAsBooked(_ invitee: CalendlyInvitee, type: CalendlyEventType, start: Date) -> CalendlyScheduledEvent {
        CalendlyScheduledEvent(uri: invitee.event ?? "", name: type.name, status: "active", startTime: start,
                               endTime: start.addingTimeInterval(TimeInterval((type.duration ?? 30) * 60)),
                               eventType: type.uri, location: nil, cancellation: nil, updatedAt: invitee.updatedAt)
    }
}

/// Identical booking requests: same student, type and start.
struct BookingKey: Hashable, Sendable {
    var studentID: UUID
    var eventType: String
    var start: Int64
}
