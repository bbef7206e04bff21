import Foundation

/// Where and how one webhook goes: captured when the change happens, so a later delete or
/// disable of the subscription is checked again before every attempt.
struct DeliveryTarget: Sendable {
    let subscriptionUUID: String
    let callbackURL: String
    let signingKey: String?
}

extension SandboxStore {
    static let inviteeEvents = ["invitee.created", "invitee.canceled",
                                "invitee_no_show.created", "invitee_no_show.deleted"]
    static let knownEvents = inviteeEvents + ["routing_form_submission.created", "event_type.created",
                                              "event_type.updated", "event_type.deleted"]

    func createSubscription(url: String, events: [String], scope: String, signingKey: String?)
        throws(CalendlyError) -> SubscriptionRecord {
        if subscriptions.contains(where: { $0.callbackURL == url }) {
            throw .alreadyExists("Hook with this url already exists")
        }
        let at = now()
        let record = SubscriptionRecord(uuid: rng.uuid(), callbackURL: url, events: events, scope: scope,
                                        signingKey: signingKey, createdAt: at, updatedAt: at,
                                        retryStartedAt: nil, state: "active")
        subscriptions.append(record)
        return record
    }

    func subscription(uuid: String) -> SubscriptionRecord? {
        subscriptions.first { $0.uuid == uuid }
    }

    func listSubscriptions(scope: String, descending: Bool) -> [SubscriptionRecord] {
        let matching = subscriptions.filter { $0.scope == scope }
        return descending ? matching.reversed() : matching
    }

    func deleteSubscription(uuid: String) -> Bool {
        let before = subscriptions.count
        subscriptions.removeAll { $0.uuid == uuid }
        return subscriptions.count < before
    }

    /// Active subscriptions that asked for this event. All events here are the owner's, so
    /// user- and organization-scoped subscriptions both hear them.
    func targets(for event: String) -> [DeliveryTarget] {
        subscriptions.filter { $0.state == "active" && $0.events.contains(event) }.map {
            DeliveryTarget(subscriptionUUID: $0.uuid, callbackURL: $0.callbackURL, signingKey: $0.signingKey)
        }
    }

    func isActive(subscriptionUUID: String) -> Bool {
        subscription(uuid: subscriptionUUID)?.state == "active"
    }

    func recordDeliverySuccess(subscriptionUUID: String) {
        guard let index = subscriptions.firstIndex(where: { $0.uuid == subscriptionUUID }),
              subscriptions[index].retryStartedAt != nil else { return }
        subscriptions[index].retryStartedAt = nil
        subscriptions[index].updatedAt = now()
    }

    /// Notes a failed attempt; returns false once the subscription has failed for longer than
    /// `disableAfter` and is disabled (Calendly: 24 hours, REFERENCE.md §4.5).
    func recordDeliveryFailure(subscriptionUUID: String) -> Bool {
        guard let index = subscriptions.firstIndex(where: { $0.uuid == subscriptionUUID }),
              subscriptions[index].state == "active" else { return false }
        let at = now()
        let started = subscriptions[index].retryStartedAt ?? at
        if subscriptions[index].retryStartedAt == nil {
            subscriptions[index].retryStartedAt = at
            subscriptions[index].updatedAt = at
        }
        if at.timeIntervalSince(started) >= options.disableAfter {
            subscriptions[index].state = "disabled"
            subscriptions[index].updatedAt = at
            return false
        }
        return true
    }
}
