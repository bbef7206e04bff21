import Foundation
import Vapor

/// The open times of one of the owner's event types (`GET /event_type_available_times`, SPEC 4.5),
/// asked a month at a time as Calendly allows.
struct OpenTimes {
    let app: Application

    /// The longest range asked for at once: three of Calendly's 31-day calls.
    static let maxDays = 93
    /// What the booking form shows when no range is asked for.
    static let defaultDays = 21

    func list(eventType: String?, from: Date?, to: Date?, now: Date = Date()) async throws -> [CalendlyAvailableTime] {
        var errors = FieldErrors()
        let type = try await StudentBooking(app: app).eventTypeChecked(eventType, errors: &errors)
        // Calendly takes only future ranges: a start already past begins now.
        let start = max(from ?? now, now.addingTimeInterval(60))
        let end = to ?? start.addingTimeInterval(TimeInterval(Self.defaultDays * 86_400))
        if end <= start {
            errors.add(field: "to", "must be later than from, and in the future")
        } else if end.timeIntervalSince(start) > TimeInterval(Self.maxDays * 86_400) {
            errors.add(field: "to", "must be at most \(Self.maxDays) days after from")
        }
        try errors.throwIfAny()
        guard let type else { return [] }
        do {
            return try await app.calendly.client(app.appConfig.calendly).availableTimes(eventType: type.uri, from: start, to: end)
                .filter { $0.startTime > now }.sorted { $0.startTime < $1.startTime }
        } catch let error as CalendlyError {
            throw error.asActionError
        }
    }
}
