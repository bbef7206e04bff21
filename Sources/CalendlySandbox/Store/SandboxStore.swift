import Foundation

/// A change that subscribers hear about: one webhook event, before it is addressed and signed.
struct OutgoingWebhook: Sendable {
    let event: String
    let createdAt: Date
    let payload: JSON
}

/// All of the sandbox's Calendly state, in memory, behind one actor so concurrent requests,
/// control calls and webhook bookkeeping never race.
actor SandboxStore {
    let options: SandboxOptions
    private(set) var base: String = "http://127.0.0.1"
    var rng: SeededGenerator
    var data: DemoData
    var subscriptions: [SubscriptionRecord] = []
    /// Single-use scheduling links by their token.
    var schedulingLinks: [String: SchedulingLinkRecord] = [:]

    init(options: SandboxOptions) {
        self.options = options
        var rng = SeededGenerator(seed: options.seed)
        // Anchored to the day, so the same seed gives the same data all day long.
        data = DemoData(reference: CalendlyTime.startOfDayUTC(options.referenceDate ?? Date()), rng: &rng)
        self.rng = rng
    }

    /// Set once the server has bound its port, before anyone can know the address.
    func setBase(_ base: String) {
        self.base = base
    }

    var wire: Wire { Wire(base: base, user: data.user, organization: data.organization) }

    func now() -> Date { Date() }

    // MARK: - Event types

    func eventTypes(active: Bool?) -> [EventTypeRecord] {
        data.eventTypes.filter { active == nil || $0.active == active }
    }

    func eventType(uuid: String) -> EventTypeRecord? {
        data.eventTypes.first { $0.uuid == uuid }
    }

    func eventType(slug: String) -> EventTypeRecord? {
        data.eventTypes.first { $0.slug == slug }
    }

    // MARK: - Scheduled events and invitees

    struct EventFilter: Sendable {
        var status: String?
        var minStart: Date?
        var maxStart: Date?
        var inviteeEmail: String?
        var descending = false
    }

    func events(_ filter: EventFilter) -> [ScheduledEventRecord] {
        let email = filter.inviteeEmail?.lowercased()
        let matching = data.events.values.filter { event in
            if let status = filter.status, event.status != status { return false }
            if let min = filter.minStart, event.start < min { return false }
            if let max = filter.maxStart, event.start > max { return false }
            if let email {
                return event.inviteeUUIDs.contains { data.invitees[$0]?.email.lowercased() == email }
            }
            return true
        }
        let ascending = matching.sorted { ($0.start, $0.uuid) < ($1.start, $1.uuid) }
        return filter.descending ? ascending.reversed() : ascending
    }

    func event(uuid: String) -> ScheduledEventRecord? { data.events[uuid] }

    func invitees(ofEvent uuid: String) -> [InviteeRecord] {
        (data.events[uuid]?.inviteeUUIDs ?? []).compactMap { data.invitees[$0] }
    }

    func invitee(uuid: String) -> InviteeRecord? { data.invitees[uuid] }

    func noShow(uuid: String) -> NoShowRecord? { data.noShows[uuid] }

    func eventJSON(_ event: ScheduledEventRecord) -> JSON {
        wire.eventJSON(event, invitees: invitees(ofEvent: event.uuid))
    }

    /// Every event with its invitees: the sandbox's ground truth for tests.
    func truthJSON() -> JSON {
        let all = events(EventFilter())
        return .object([
            ("events", .array(all.map { event in
                eventJSON(event).setting("invitees", .array(invitees(ofEvent: event.uuid).map(wire.inviteeJSON)))
            })),
            ("subscriptions", .array(subscriptions.map(wire.subscriptionJSON))),
        ])
    }

    /// Finds an invitee by its full URI, as `POST /invitee_no_shows` names it.
    func inviteeKey(fromURI uri: String) -> InviteeKey? {
        let prefix = "\(base)/scheduled_events/"
        guard uri.hasPrefix(prefix) else { return nil }
        let parts = uri.dropFirst(prefix.count).split(separator: "/").map(String.init)
        guard parts.count == 3, parts[1] == "invitees",
              data.invitees[parts[2]]?.eventUUID == parts[0] else { return nil }
        return InviteeKey(eventUUID: parts[0], inviteeUUID: parts[2])
    }

    func payload(for key: InviteeKey, noShow: NoShowRecord? = nil) -> JSON {
        guard let invitee = data.invitees[key.inviteeUUID], let event = data.events[key.eventUUID] else {
            return .null
        }
        return wire.inviteePayloadJSON(invitee, event: event, eventInvitees: invitees(ofEvent: event.uuid),
                                       noShow: noShow)
    }
}

extension SandboxStore {
    /// Replaces an event type's custom questions, as the host does in Calendly's editor.
    func setQuestions(_ questions: [CustomQuestion], ofType uuid: String) -> EventTypeRecord? {
        guard let index = data.eventTypes.firstIndex(where: { $0.uuid == uuid }) else { return nil }
        data.eventTypes[index].questions = questions
        data.eventTypes[index].updatedAt = now()
        return data.eventTypes[index]
    }
}
