import Foundation

extension DirectBookingBody {
    /// The checks that need the event type: answers to its questions, exactly as written (case
    /// included), every required one answered, and a location of its kind. Then the booking.
    func request(for type: EventTypeRecord) throws(CalendlyError) -> BookingRequest {
        var problems = Problems()
        var byPosition = Array(repeating: "", count: (type.questions.map(\.position).max() ?? -1) + 1)
        for (question, answer) in answers {
            guard let match = type.questions.first(where: { $0.name == question }) else {
                problems.add("questions_and_answers", "\"\(question)\" is not a question of this event type", "inclusion")
                continue
            }
            byPosition[match.position] = answer
        }
        for question in type.questions where question.required && byPosition[question.position].trimmed.isEmpty {
            problems.add("questions_and_answers", "\"\(question.name)\" is required", "blank")
        }
        if let kind = locationKind, kind != Self.kind(of: type.location) {
            problems.add("location", "location.kind must be \(Self.kind(of: type.location)) for this event type", "inclusion")
        }
        guard problems.details.isEmpty else { throw .invalidArguments(problems.details) }

        var request = BookingRequest(eventTypeUUID: type.uuid, start: start, name: name, email: email,
                                     answers: byPosition, tracking: tracking, timezone: timezone)
        request.requireOpenTime = true
        request.firstName = firstName
        request.lastName = lastName
        request.guests = guests
        request.textReminderNumber = textReminderNumber
        request.schedulingMethod = "instant_book"
        // The token is the owner's, so the owner is who scheduled it.
        request.scheduledByOwner = true
        return request
    }

    /// The `kind` a booking names for the event type's location. The host sets the place, so a
    /// booking only confirms the kind; the event keeps the event type's location.
    static func kind(of location: LocationKind) -> String {
        switch location {
        case .googleConference: return "google_conference"
        case .physical: return "physical"
        case .custom: return "custom"
        }
    }
}
