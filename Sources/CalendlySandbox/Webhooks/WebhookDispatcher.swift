import AsyncHTTPClient
import Foundation
import Logging

/// Delivers webhooks to subscriptions: first attempts go out one by one in the order the
/// changes happened, unless the misbehaviour settings drop, hold (to reorder), delay or
/// duplicate them; failures are retried on `webhookRetrySchedule` until the subscription is
/// disabled.
actor WebhookDispatcher {
    struct Delivery: Sendable {
        let id: Int
        let target: DeliveryTarget
        let event: String
        let inviteeURI: String
        let body: String
        var attempt: Int = 1
    }

    let store: SandboxStore
    let chaos: Chaos
    let options: SandboxOptions
    let client: HTTPClient
    let logger: Logger
    private var queue: [Delivery] = []
    private var draining = false
    private var held: [Delivery] = []
    private var holdTimerArmed = false
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var nextID = 1
    private var stopped = false
    var log: [DeliveryLogEntry] = []

    init(store: SandboxStore, chaos: Chaos, options: SandboxOptions, logger: Logger) {
        self.store = store
        self.chaos = chaos
        self.options = options
        self.logger = logger
        // Calendly counts redirects as failures (REFERENCE.md §4.5), so none are followed.
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .milliseconds(Int64(options.webhookTimeout * 1_000)))))
    }

    /// Addresses each change to every subscription that asked for it and queues the deliveries.
    func publish(_ webhooks: [OutgoingWebhook]) async {
        let creator = await store.wire.userURI
        for webhook in webhooks {
            let envelope = JSON.object([
                ("event", .string(webhook.event)),
                ("created_at", .string(CalendlyTime.formatWholeSeconds(webhook.createdAt))),
                ("created_by", .string(creator)), ("payload", webhook.payload),
            ]).serialized()
            let inviteeURI = webhook.payload["uri"]?.stringValue ?? ""
            for target in await store.targets(for: webhook.event) {
                queue.append(Delivery(id: takeID(), target: target, event: webhook.event,
                                      inviteeURI: inviteeURI, body: envelope))
            }
        }
        if !draining && !stopped {
            draining = true
            spawn { await self.drain() }
        }
    }

    private func drain() async {
        while !queue.isEmpty, !stopped {
            let delivery = queue.removeFirst()
            let plan = await chaos.webhookPlan()
            if plan.drop {
                record(delivery, .dropped)
                continue
            }
            if plan.hold {
                record(delivery, .held)
                held.append(delivery)
                armHoldTimer()
                continue
            }
            if plan.delay > 0 {
                spawn {
                    try? await Task.sleep(for: .seconds(plan.delay))
                    await self.attempt(delivery, duplicate: plan.duplicate)
                }
                continue
            }
            await attempt(delivery, duplicate: plan.duplicate)
            // Anything held goes out after this later delivery: that is the reordering.
            await releaseHeld()
        }
        draining = false
    }

    private func armHoldTimer() {
        guard !holdTimerArmed else { return }
        holdTimerArmed = true
        let timeout = max(0.01, options.misbehaviour.webhookHoldTimeout)
        spawn {
            let live = await self.chaos.settings.webhookHoldTimeout
            try? await Task.sleep(for: .seconds(max(0.01, min(timeout, live))))
            await self.releaseHeld()
        }
    }

    /// Sends every held delivery now, in a shuffled order that differs from the original.
    func releaseHeld() async {
        holdTimerArmed = false
        guard !held.isEmpty else { return }
        let batch = await chaos.reorder(held)
        held.removeAll()
        for delivery in batch { await attempt(delivery, duplicate: false) }
    }

    /// Releases held deliveries and waits until the first-attempt queue is empty.
    func flush() async {
        await releaseHeld()
        var waited = 0
        while draining, waited < 3_000 {
            try? await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        await releaseHeld()
    }

    func stop() async {
        stopped = true
        for task in tasks.values { task.cancel() }
        tasks.removeAll()
        try? await client.shutdown()
    }

    // MARK: - Bookkeeping

    func takeID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    func spawn(_ operation: @escaping @Sendable () async -> Void) {
        guard !stopped else { return }
        let id = takeID()
        tasks[id] = Task {
            await operation()
            self.finished(id)
        }
    }

    private func finished(_ id: Int) {
        tasks[id] = nil
    }

    func record(_ d: Delivery, _ outcome: DeliveryLogEntry.Outcome, status: Int? = nil, error: String? = nil) {
        log.append(DeliveryLogEntry(
            sequence: log.count + 1, deliveryID: d.id, subscriptionUUID: d.target.subscriptionUUID,
            callbackURL: d.target.callbackURL, event: d.event, inviteeURI: d.inviteeURI, attempt: d.attempt,
            outcome: outcome, statusCode: status, error: error, at: Date()))
    }

    var isStopped: Bool { stopped }
}
