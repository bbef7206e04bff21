import Foundation

// The Scheduling API's answers (REFERENCE-2026.md): open times and single-use links.
extension Wire {
    /// `/d/<token>/<slug>`: the single-use booking page, as Calendly's `calendly.com/d/...`.
    func singleUseURL(_ link: SchedulingLinkRecord, type: EventTypeRecord) -> String {
        "\(base)/d/\(link.token)/\(type.slug)"
    }

    /// The booking page opened at one time, in Calendly's form
    /// `<scheduling url>/2026-12-01T15:00:00Z?month=2026-12&date=2026-12-01`.
    func schedulingURL(_ type: EventTypeRecord, at start: Date) -> String {
        let stamp = CalendlyTime.formatPathStamp(start)
        let date = String(stamp.prefix(10))
        return "\(schedulingURL(type))/\(stamp)?month=\(date.prefix(7))&date=\(date)"
    }

    func availableTimeJSON(_ start: Date, type: EventTypeRecord) -> JSON {
        .object([
            ("status", .string("available")), ("invitees_remaining", .int(1)),
            ("start_time", .string(CalendlyTime.format(start))),
            ("scheduling_url", .string(schedulingURL(type, at: start))),
        ])
    }

    func schedulingLinkJSON(_ link: SchedulingLinkRecord, type: EventTypeRecord) -> JSON {
        .object([
            ("booking_url", .string(singleUseURL(link, type: type))),
            ("owner", .string(eventTypeURI(type.uuid))), ("owner_type", .string("EventType")),
        ])
    }
}
