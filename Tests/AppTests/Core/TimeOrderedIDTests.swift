@testable import App
import Foundation
import Testing

@Suite("Time-ordered ids")
struct TimeOrderedIDTests {
    @Test func theyAreVersionSevenUUIDsThatBeginWithTheMillisecond() {
        var generator = SystemRandomNumberGenerator()
        let id = TimeOrderedID.make(milliseconds: 1_767_225_600_123, using: &generator)  // 2026-01-01T00:00:00.123Z
        let text = id.uuidString
        // 1,767,225,600,123 is 0x019B_76DA_A87B.
        #expect(text.hasPrefix("019B76DA-A87B-7"))
        #expect("89AB".contains(text[text.index(text.startIndex, offsetBy: 19)]))
        #expect(UUID(uuidString: text) == id)
    }

    @Test func laterIdsSortAfterEarlierOnesAsTextAndAsBytes() {
        var previous = TimeOrderedID.make(at: Date(timeIntervalSince1970: 1_700_000_000))
        for step in 1...200 {
            let next = TimeOrderedID.make(at: Date(timeIntervalSince1970: 1_700_000_000 + Double(step) * 0.001))
            #expect(previous.uuidString < next.uuidString)
            #expect(withUnsafeBytes(of: previous.uuid, Array.init).lexicographicallyPrecedes(withUnsafeBytes(of: next.uuid, Array.init)))
            previous = next
        }
    }

    @Test func theRestIsRandom() {
        let now = Date()
        let ids = Set((0..<1_000).map { _ in TimeOrderedID.make(at: now) })
        #expect(ids.count == 1_000)
    }
}
