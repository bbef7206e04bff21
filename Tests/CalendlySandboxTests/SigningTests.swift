import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Webhook signature")
struct SigningTests {
    @Test("matches the REFERENCE.md test vector")
    func referenceVector() {
        // given the vector from REFERENCE.md §4.3 (70 bytes, no trailing newline)
        let body = #"{"event":"invitee.created","created_at":"2024-11-24T14:00:00.000000Z"}"#
        #expect(body.utf8.count == 70)

        // when
        let header = WebhookSigner.header(body: Data(body.utf8), signingKey: "whsec-test-key-123", timestamp: 1_732_456_800)

        // then
        #expect(header == "t=1732456800,v1=4b1b49fd811edab6c9bb1805e3bb1d521b79660f2599c3cca54a4e8c41cb3980")
    }

    @Test("changes with the body, the key and the timestamp")
    func sensitivity() {
        let body = Data("{}".utf8)
        let base = WebhookSigner.v1(body: body, signingKey: "k", timestamp: 1)
        #expect(base.count == 64)
        #expect(WebhookSigner.v1(body: Data("{ }".utf8), signingKey: "k", timestamp: 1) != base)
        #expect(WebhookSigner.v1(body: body, signingKey: "k2", timestamp: 1) != base)
        #expect(WebhookSigner.v1(body: body, signingKey: "k", timestamp: 2) != base)
    }
}

@Suite("Formats")
struct FormatTests {
    @Test("times are written with six fractional digits and read with or without them")
    func times() throws {
        // given
        let date = try #require(CalendlyTime.parse("2024-11-28T09:00:00.000000Z"))

        // then
        #expect(CalendlyTime.format(date) == "2024-11-28T09:00:00.000000Z")
        #expect(CalendlyTime.parse("2024-11-28T09:00:00Z") == date)
        #expect(CalendlyTime.format(date.addingTimeInterval(0.123456)) == "2024-11-28T09:00:00.123456Z")
        #expect(CalendlyTime.formatWholeSeconds(date.addingTimeInterval(0.9)) == "2024-11-28T09:00:00.000000Z")
        #expect(CalendlyTime.parse("yesterday") == nil)
    }

    @Test("JSON keeps nulls and key order, and escapes strings")
    func json() {
        let value = JSON.object([("b", .null), ("a", .string("x\"<\n")), ("n", .array([.int(1), .bool(false)]))])
        #expect(value.serialized() == #"{"b":null,"a":"x\"\u003c\n","n":[1,false]}"#)
    }

    @Test("page tokens round-trip and reject garbage")
    func pageTokens() {
        #expect(PageToken.decode(PageToken.encode(40)) == 40)
        #expect(PageToken.decode("not-a-token") == nil)
    }

    @Test("the seeded generator repeats for a seed and differs between seeds")
    func seeded() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let first = a.uuid()
        #expect(first == b.uuid())
        #expect(first != c.uuid())
        #expect(first.count == 36)
    }
}
