import Fluent
import Foundation
import Vapor

/// What Calendly tells about how a meeting was booked, in the words the pages show (SPEC 4.5):
/// "booked by you" when the owner booked it for the student, "unconfirmed" while the student has
/// not reconfirmed, "moved" when a reschedule kept the start time (a change of place).
enum BookingTags {
    static func of(scheduledBy: String?, ownerUserURI: String?, unconfirmed: Bool, moved: Bool, status: ConsultationStatus) -> [String] {
        var tags: [String] = []
        if let scheduledBy {
            tags.append(scheduledBy == ownerUserURI ? "booked by you" : "booked by a Calendly user for them")
        }
        if unconfirmed, status == .scheduled { tags.append("unconfirmed") }
        if moved, status != .rescheduled { tags.append("moved") }
        return tags
    }

    /// Rescheduled, or moved when only the place changed.
    static func statusLabel(_ status: ConsultationStatus, moved: Bool) -> String {
        status == .rescheduled && moved ? "Moved" : status.label
    }
}

extension Request {
    /// The Calendly user the app's token belongs to (the owner), as last looked up (by this
    /// process, else as the last sync stored it); nil if never.
    func calendlyUserURI() async throws -> String? {
        if let known = await application.calendly.accountCache.lastUserURI { return known }
        return try await CalendlyConnectionStore(db: db, sandbox: application.appConfig.sandboxMode).load()?.userURI
    }
}
