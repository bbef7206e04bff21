import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Webhook misbehaviour")
struct WebhookMisbehaviourTests {
    @Test("duplicates: the same signed bytes arrive twice")
    func duplicates() async throws {
        try await withReceiver { receiver in
            try await withSandbox(SandboxOptions(misbehaviour: Misbehaviour(webhookDuplicateRate: 1))) { sandbox in
                _ = try await sandbox.subscribe(receiver.url)
                _ = try await sandbox.book()
                let deliveries = try await receiver.waitFor(2)
                #expect(deliveries.count == 2)
                #expect(deliveries[0].body == deliveries[1].body)
                #expect(deliveries[0].signature == deliveries[1].signature)
            }
        }
    }

    @Test("drops: nothing arrives and the log says dropped")
    func drops() async throws {
        try await withReceiver { receiver in
            try await withSandbox(SandboxOptions(misbehaviour: Misbehaviour(webhookDropRate: 1))) { sandbox in
                _ = try await sandbox.subscribe(receiver.url)
                _ = try await sandbox.book()
                let log = try await sandbox.call(.POST, "/_sandbox/webhooks/flush", authorized: false)
                let entries = log.json["deliveries"] as? [[String: Any]] ?? []
                #expect(entries.compactMap { $0["outcome"] as? String } == ["dropped"])
                try await Task.sleep(for: .milliseconds(200))
                #expect(await receiver.deliveries.isEmpty)
            }
        }
    }

    @Test("reorder: a held reschedule pair is released out of order")
    func reorder() async throws {
        let misbehaviour = Misbehaviour(webhookReorderRate: 1, webhookHoldTimeout: 30)
        try await withReceiver { receiver in
            try await withSandbox(SandboxOptions(misbehaviour: misbehaviour)) { sandbox in
                let booked = try await sandbox.book()
                let uuid = try #require(booked.json.object("invitee").string("uri")?.components(separatedBy: "/").last)
                _ = try await sandbox.subscribe(receiver.url)
                let slots = try await sandbox.call(.GET, "/_sandbox/slots?event_type=consultation-30", authorized: false)
                let start = try #require((slots.json["slots"] as? [String])?.last)
                _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/reschedule",
                                           json: #"{"start_time":"\#(start)"}"#, authorized: false)
                // Held until released: nothing yet.
                try await Task.sleep(for: .milliseconds(200))
                #expect(await receiver.deliveries.isEmpty)
                _ = try await sandbox.call(.POST, "/_sandbox/webhooks/flush", authorized: false)
                let deliveries = try await receiver.waitFor(2)
                #expect(deliveries.map(\.event) == ["invitee.created", "invitee.canceled"])
            }
        }
    }

    @Test("delay: the delivery arrives after the configured delay")
    func delay() async throws {
        let misbehaviour = Misbehaviour(webhookDelayRate: 1, webhookDelay: 0.5)
        try await withReceiver { receiver in
            try await withSandbox(SandboxOptions(misbehaviour: misbehaviour)) { sandbox in
                _ = try await sandbox.subscribe(receiver.url)
                let booked = Date()
                _ = try await sandbox.book()
                let delivery = try #require(try await receiver.waitFor(1).first)
                #expect(delivery.receivedAt.timeIntervalSince(booked) >= 0.5)
            }
        }
    }
}
