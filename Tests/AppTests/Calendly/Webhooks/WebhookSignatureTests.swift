@testable import App
import Foundation
import Testing

@Suite("Webhook signature")
struct WebhookSignatureTests {
    let body = Data(#"{"event":"invitee.created","created_at":"2024-11-24T14:00:00.000000Z"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_732_456_800)

    @Test func referenceTestVector() throws {
        #expect(body.count == 70)
        let header = WebhookSignature.sign(body: body, key: "whsec-test-key-123", timestamp: 1_732_456_800)
        #expect(header == "t=1732456800,v1=4b1b49fd811edab6c9bb1805e3bb1d521b79660f2599c3cca54a4e8c41cb3980")
        try WebhookSignature.verify(header: header, body: body, key: "whsec-test-key-123", now: now, tolerance: 180)
    }

    @Test(arguments: [
        (nil as String?, WebhookSignature.Failure.missing),
        ("", .missing),
        ("garbage", .malformed),
        ("t=abc,v1=00", .malformed),
        ("t=1732456800", .malformed),
        ("t=1732456800,v1=nothex", .malformed),
        ("t=1732456800,v1=4b1b49fd811edab6c9bb1805e3bb1d521b79660f2599c3cca54a4e8c41cb3981", .mismatch),
        ("t=1732456000,v1=4b1b49fd811edab6c9bb1805e3bb1d521b79660f2599c3cca54a4e8c41cb3980", .stale),
        ("t=1732457800,v1=4b1b49fd811edab6c9bb1805e3bb1d521b79660f2599c3cca54a4e8c41cb3980", .stale),
    ])
    func refusals(header: String?, expected: WebhookSignature.Failure) {
        #expect(throws: expected) {
            try WebhookSignature.verify(header: header, body: body, key: "whsec-test-key-123", now: now, tolerance: 180)
        }
    }

    @Test func wrongKeyAndChangedBodyAreRefused() {
        let header = WebhookSignature.sign(body: body, key: "whsec-test-key-123", timestamp: 1_732_456_800)
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try WebhookSignature.verify(header: header, body: body, key: "another-key", now: now, tolerance: 180)
        }
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try WebhookSignature.verify(header: header, body: body + Data(" ".utf8), key: "whsec-test-key-123", now: now, tolerance: 180)
        }
    }

    @Test func headerPartsMayCarrySpacesAndSeveralSignatures() throws {
        let good = WebhookSignature.sign(body: body, key: "whsec-test-key-123", timestamp: 1_732_456_800)
        let v1 = try #require(good.split(separator: "=").last)
        try WebhookSignature.verify(header: "t=1732456800, v1=\(String(repeating: "0", count: 64)), v1=\(v1)",
                                    body: body, key: "whsec-test-key-123", now: now, tolerance: 180)
    }
}
