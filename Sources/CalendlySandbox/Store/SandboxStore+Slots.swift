import Foundation

extension SandboxStore {
    /// Open start times for an event type: on the hour, 09:00-16:00 UTC, from tomorrow for
    /// `days` days, skipping times that overlap an active meeting.
    func freeSlots(for type: EventTypeRecord, days: Int = 5, ignoringEvent: String? = nil) -> [Date] {
        let tomorrow = CalendlyTime.startOfDayUTC(now()).addingTimeInterval(86_400)
        var slots: [Date] = []
        for day in 0..<days {
            for hour in 9...16 {
                let start = tomorrow.addingTimeInterval(TimeInterval(day * 86_400 + hour * 3_600))
                let end = start.addingTimeInterval(TimeInterval(type.duration * 60))
                let taken = data.events.values.contains {
                    $0.status == "active" && $0.uuid != ignoringEvent && $0.start < end && start < $0.end
                }
                if !taken { slots.append(start) }
            }
        }
        return slots
    }

    /// Finds an event type by URI, uuid or slug: whichever a script has at hand.
    func eventType(reference: String) -> EventTypeRecord? {
        let uuid = reference.split(separator: "/").last.map(String.init) ?? reference
        return eventType(uuid: uuid) ?? eventType(slug: reference) ?? eventType(slug: uuid)
    }
}
