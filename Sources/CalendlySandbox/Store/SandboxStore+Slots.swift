import Foundation

extension SandboxStore {
    /// The sandbox host's working hours: meetings start on the hour, 09:00-16:00 UTC, every day.
    static let openHours = 9...16

    /// Open start times for an event type from tomorrow for `days` days (the booking pages).
    func freeSlots(for type: EventTypeRecord, days: Int = 5, ignoringEvent: String? = nil) -> [Date] {
        let tomorrow = CalendlyTime.startOfDayUTC(now()).addingTimeInterval(86_400)
        return freeSlots(for: type, from: tomorrow, to: tomorrow.addingTimeInterval(TimeInterval(days) * 86_400),
                         ignoringEvent: ignoringEvent)
    }

    /// Open start times in `from..<to`: on the open grid, in the future, and not overlapping an
    /// active meeting. `GET /event_type_available_times` lists these and `POST /invitees` takes
    /// exactly these, so both go through `isOpenTime`.
    func freeSlots(for type: EventTypeRecord, from: Date, to: Date, ignoringEvent: String? = nil) -> [Date] {
        var slots: [Date] = []
        var day = CalendlyTime.startOfDayUTC(from)
        while day < to {
            for hour in Self.openHours {
                let start = day.addingTimeInterval(TimeInterval(hour * 3_600))
                if start >= from, start < to, isOpenTime(start, for: type, ignoringEvent: ignoringEvent) {
                    slots.append(start)
                }
            }
            day = day.addingTimeInterval(86_400)
        }
        return slots
    }

    func isOpenTime(_ start: Date, for type: EventTypeRecord, ignoringEvent: String? = nil) -> Bool {
        guard type.active, start > now(), Self.isOnOpenGrid(start) else { return false }
        let end = start.addingTimeInterval(TimeInterval(type.duration * 60))
        return !data.events.values.contains {
            $0.status == "active" && $0.uuid != ignoringEvent && $0.start < end && start < $0.end
        }
    }

    /// On a whole hour within `openHours` (UTC), to the second.
    static func isOnOpenGrid(_ start: Date) -> Bool {
        let seconds = start.timeIntervalSince(CalendlyTime.startOfDayUTC(start))
        guard seconds == seconds.rounded(), Int(seconds) % 3_600 == 0 else { return false }
        return openHours.contains(Int(seconds) / 3_600)
    }

    /// Finds an event type by URI, uuid or slug: whichever a script has at hand.
    func eventType(reference: String) -> EventTypeRecord? {
        let uuid = reference.split(separator: "/").last.map(String.init) ?? reference
        return eventType(uuid: uuid) ?? eventType(slug: reference) ?? eventType(slug: uuid)
    }

    /// Finds an event type by its full URI only, as the API names it.
    func eventType(uri: String) -> EventTypeRecord? {
        let prefix = "\(base)/event_types/"
        guard uri.hasPrefix(prefix) else { return nil }
        return eventType(uuid: String(uri.dropFirst(prefix.count)))
    }
}
