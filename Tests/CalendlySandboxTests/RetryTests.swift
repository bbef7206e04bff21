import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Webhook retries")
struct RetryTests {
    @Test("a failed delivery is retried on the schedule until it succeeds, and retry_started_at clears")
    func retriesThenSucceeds() async throws {
        try await withReceiver { receiver in
            try await withSandbox(SandboxOptions(webhookRetrySchedule: [0.05, 0.1])) { sandbox in
                // given a receiver that fails twice
                await receiver.answer(with: [500, 503])
                let created = try await sandbox.subscribe(receiver.url)
                let uri = try #require(created.resource.string("uri"))

                // when
                _ = try await sandbox.book()

                // then the third attempt lands, with the same body
                let deliveries = try await receiver.waitFor(3)
                #expect(deliveries.count == 3)
                #expect(Set(deliveries.map(\.body)).count == 1)
                try await Task.sleep(for: .milliseconds(100))
                let subscription = try await sandbox.get(uri).resource
                #expect(subscription.string("state") == "active")
                #expect(subscription["retry_started_at"] is NSNull)
                let log = try await sandbox.get("/_sandbox/deliveries").json["deliveries"] as? [[String: Any]] ?? []
                #expect(log.compactMap { $0["attempt"] as? Int } == [1, 2, 3])
                #expect(log.compactMap { $0["outcome"] as? String } == ["failed", "failed", "delivered"])
            }
        }
    }

    @Test("a subscription failing past the window becomes disabled and gets nothing more")
    func disables() async throws {
        try await withReceiver { receiver in
            let options = SandboxOptions(webhookRetrySchedule: [0.05], disableAfter: 0.3)
            try await withSandbox(options) { sandbox in
                // given a receiver that always fails
                await receiver.answer(with: Array(repeating: 500, count: 1_000))
                let created = try await sandbox.subscribe(receiver.url)
                let uri = try #require(created.resource.string("uri"))

                // when
                _ = try await sandbox.book()

                // then
                var state = "active"
                let deadline = Date().addingTimeInterval(5)
                while state == "active", Date() < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    state = try await sandbox.get(uri).resource.string("state") ?? ""
                }
                #expect(state == "disabled")
                #expect(try await sandbox.get(uri).resource["retry_started_at"] is String)
                let before = await receiver.deliveries.count
                // the first attempt and at least one retry (how many fit the window depends on load)
                #expect(before >= 2)
                _ = try await sandbox.book(name: "Later", email: "later@student.example")
                try await Task.sleep(for: .milliseconds(300))
                #expect(await receiver.deliveries.count == before)
            }
        }
    }
}
