import Fluent
import Foundation

/// The consultations as an RFC 5545 calendar (SPEC 12): one `VEVENT` a consultation from 90 days
/// back, for calendar apps to subscribe to.
enum ConsultationsCalendar {
    static let daysBack = 90

    static func load(now: Date = Date(), on db: any Database) async throws -> [Consultation] {
        try await Consultation.query(on: db).with(\.$student)
            .filter(\.$consultationDate >= now.addingTimeInterval(-Double(daysBack) * 86_400))
            .sort(\.$consultationDate).all()
    }

    static func render(_ consultations: [Consultation], baseURL: URL, now: Date = Date()) -> String {
        var ics = ICalendarWriter()
        ics.raw("BEGIN", "VCALENDAR")
        ics.raw("VERSION", "2.0")
        ics.text("PRODID", "-//Personal CRM//Consultations//EN")
        ics.raw("CALSCALE", "GREGORIAN")
        ics.raw("METHOD", "PUBLISH")
        ics.text("X-WR-CALNAME", "Consultations")
        for c in consultations {
            guard let id = c.id else { continue }
            let end = c.endDate ?? c.consultationDate.addingTimeInterval(Double(c.duration) * 60)
            ics.raw("BEGIN", "VEVENT")
            ics.raw("UID", "\(id.uuidString.lowercased())@personal-crm")
            ics.raw("DTSTAMP", ICalendarWriter.utc(c.updatedAt ?? now))
            ics.raw("DTSTART", ICalendarWriter.utc(c.consultationDate))
            ics.raw("DTEND", ICalendarWriter.utc(max(end, c.consultationDate)))
            ics.text("SUMMARY", "\(c.type) with \(c.student.name)")
            let description = [c.topic.isEmpty ? nil : c.topic, c.joinURL.flatMap(SafeLink.http).map { "Join: \($0)" }]
                .compactMap { $0 }.joined(separator: "\n")
            if !description.isEmpty { ics.text("DESCRIPTION", description) }
            if let location = LocationWords.describe(c.location) { ics.text("LOCATION", location) }
            ics.raw("STATUS", c.status == .canceled || c.status == .rescheduled ? "CANCELLED" : "CONFIRMED")
            ics.raw("URL", baseURL.appendingPathComponent(AppRoute.consultation(id).path).absoluteString)
            ics.raw("SEQUENCE", String(sequence(of: c)))
            ics.raw("END", "VEVENT")
        }
        ics.raw("END", "VCALENDAR")
        return ics.output
    }

    /// Grows whenever the consultation changes, so calendar apps take the new version: the whole
    /// seconds from its creation to its last change. Kept out of the table, which every write path
    /// would otherwise have to remember to bump.
    static func sequence(of c: Consultation) -> Int {
        guard let created = c.createdAt, let updated = c.updatedAt else { return 0 }
        return max(0, Int(updated.timeIntervalSince(created)))
    }
}
