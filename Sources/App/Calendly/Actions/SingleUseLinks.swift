import Foundation
import Vapor

/// A Calendly single-use booking link for one student (`POST /scheduling_links`, SPEC 4.5),
/// carrying their name, email and `utm_content=student-<id>`, so the booking made through it lands
/// on that student. Offered beside "Book", and when Calendly refuses a direct booking.
struct SingleUseLinks {
    let app: Application

    func make(studentID: String?, eventType: String?) async throws -> String {
        var errors = FieldErrors()
        let target = try await StudentBooking(app: app).checkTarget(studentID: studentID, eventType: eventType, errors: &errors)
        try errors.throwIfAny()
        guard let target else { throw AppError.invalid(field: "student_id", message: "is required") }
        let url: String
        do {
            url = try await app.calendly.client(app.appConfig.calendly).createSingleUseLink(eventType: target.eventType.uri)
        } catch let error as CalendlyError {
            throw error.asActionError
        }
        guard var components = URLComponents(string: url), ["https", "http"].contains(components.scheme ?? "") else {
            throw CalendlyError.malformed("the booking link is not a web address").asActionError
        }
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "name", value: target.student.name),
            URLQueryItem(name: "email", value: target.student.email),
            URLQueryItem(name: "utm_source", value: "personal-crm"),
            URLQueryItem(name: "utm_content", value: "student-\(target.student.id.uuidString)"),
        ]
        // `+` would read as a space in the name or email.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return components.string ?? url
    }
}
