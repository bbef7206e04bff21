import AsyncHTTPClient
import Foundation
import NIOCore

extension WebhookDispatcher {
    /// One attempt at one delivery; a failure schedules the next retry.
    func attempt(_ delivery: Delivery, duplicate: Bool) async {
        guard !isStopped else { return }
        guard await store.isActive(subscriptionUUID: delivery.target.subscriptionUUID) else {
            record(delivery, .skipped, error: "subscription deleted or disabled")
            return
        }
        // Each attempt is signed afresh, so a retry is never stale for a receiver's time window.
        let timestamp = Int(Date().timeIntervalSince1970)
        let (status, error) = await send(delivery, timestamp: timestamp)
        let ok = status.map { (200..<300).contains($0) } ?? false
        record(delivery, ok ? .delivered : .failed, status: status, error: error)
        if duplicate {
            // The same bytes and signature again, as an at-least-once sender may do.
            let (dupStatus, dupError) = await send(delivery, timestamp: timestamp)
            record(delivery, .duplicate, status: dupStatus, error: dupError)
        }
        if ok {
            await store.recordDeliverySuccess(subscriptionUUID: delivery.target.subscriptionUUID)
            return
        }
        guard await store.recordDeliveryFailure(subscriptionUUID: delivery.target.subscriptionUUID) else {
            record(delivery, .disabled, error: "subscription disabled after failing for \(options.disableAfter)s")
            logger.warning("sandbox webhook subscription disabled", metadata: [
                "callback_url": .string(delivery.target.callbackURL)])
            return
        }
        scheduleRetry(delivery)
    }

    private func scheduleRetry(_ delivery: Delivery) {
        let schedule = options.webhookRetrySchedule.isEmpty ? [60] : options.webhookRetrySchedule
        let wait = schedule[min(delivery.attempt - 1, schedule.count - 1)]
        var retry = delivery
        retry.attempt += 1
        let next = retry
        spawn {
            try? await Task.sleep(for: .seconds(wait))
            guard !Task.isCancelled else { return }
            await self.attempt(next, duplicate: false)
        }
    }

    /// POSTs the envelope; returns the status code, or nil and the error when no answer came.
    private func send(_ delivery: Delivery, timestamp: Int) async -> (Int?, String?) {
        var request = HTTPClientRequest(url: delivery.target.callbackURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Calendly-Sandbox-Webhooks/1.0")
        if let key = delivery.target.signingKey {
            let body = Data(delivery.body.utf8)
            request.headers.add(name: WebhookSigner.headerName,
                                value: WebhookSigner.header(body: body, signingKey: key, timestamp: timestamp))
        }
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let timeout = TimeAmount.milliseconds(Int64(max(0.05, options.webhookTimeout) * 1_000))
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), nil)
        } catch {
            return (nil, String(describing: error))
        }
    }
}
