import Foundation

/// Draws every misbehaviour decision from one seeded generator, in request order, so a seed
/// and a sequence of calls always fail the same way.
actor Chaos {
    enum APIFault: Sendable, Equatable {
        case none
        case rateLimited
        case serverError(UInt)
        case malformedJSON
    }

    struct WebhookPlan: Sendable {
        var drop = false
        var hold = false
        var delay: TimeInterval = 0
        var duplicate = false
    }

    private var rng: SeededGenerator
    private(set) var settings: Misbehaviour

    init(seed: UInt64, settings: Misbehaviour) {
        // A different stream from the demo data, so turning faults on never changes the ids.
        rng = SeededGenerator(seed: seed ^ 0x5EED_C4A0_5000_0001)
        self.settings = settings
    }

    func update(_ settings: Misbehaviour) {
        self.settings = settings
    }

    func apiDecision() -> (delay: TimeInterval, fault: APIFault) {
        let delay = rng.chance(settings.slowRate) ? settings.slowDelay : 0
        if rng.chance(settings.rateLimitRate) { return (delay, .rateLimited) }
        if rng.chance(settings.serverErrorRate) {
            let statuses: [UInt] = [500, 502, 503]
            return (delay, .serverError(statuses[Int.random(in: 0..<statuses.count, using: &rng)]))
        }
        if rng.chance(settings.malformedJSONRate) { return (delay, .malformedJSON) }
        return (delay, .none)
    }

    func webhookPlan() -> WebhookPlan {
        var plan = WebhookPlan()
        if rng.chance(settings.webhookDropRate) {
            plan.drop = true
            return plan
        }
        plan.hold = rng.chance(settings.webhookReorderRate)
        plan.delay = rng.chance(settings.webhookDelayRate) ? settings.webhookDelay : 0
        plan.duplicate = rng.chance(settings.webhookDuplicateRate)
        return plan
    }

    /// A seeded shuffle that never returns the input order for two or more items: a held batch
    /// released "shuffled" must really arrive out of order.
    func reorder<T: Sendable>(_ items: [T]) -> [T] {
        guard items.count > 1 else { return items }
        var indices = Array(items.indices)
        indices.shuffle(using: &rng)
        if indices == Array(items.indices) { indices.reverse() }
        return indices.map { items[$0] }
    }
}
