@testable import App
import Foundation
import Testing

/// `UUIDText` reads and writes exactly what Foundation's `UUID` does.
@Suite("UUIDs as text")
struct UUIDTextTests {
    @Test func writesWhatFoundationWritesAndReadsItBack() {
        var ids = (0..<5_000).map { _ in UUID() }
        ids += [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for id in ids {
            #expect(UUIDText.string(id) == id.uuidString)
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
        }
    }

    @Test(arguments: [
        "", "0A02E71E-61EE-4775-B7DF-9143B04342D", "0A02E71E-61EE-4775-B7DF-9143B04342DC0",
        "0A02E71E_61EE-4775-B7DF-9143B04342DC", "0A02E71E-61EE-4775-B7DF9-143B04342DC", "0A02E71G-61EE-4775-B7DF-9143B04342DC",
        "{A02E71E-61EE-4775-B7DF-9143B04342D}", " 0A02E71E-61EE-4775-B7DF-9143B04342D", "0A02E71E-61EE-4775-B7DF-9143B04342Dé",
        "0A02E71E-61EE-4775-B7DF-9143B04342-C", "0A02E71E-61EE-4775-B7DF-9143B04342+C",
    ])
    func refusesAnythingButTheCanonicalForm(_ text: String) {
        // Foundation's `sscanf` takes some of these (a leading space, a sign inside a byte); the
        // reader then falls back to it, so what is read is still what Foundation reads.
        #expect(UUIDText.parse(text) == nil)
    }

    @Test(arguments: ["0a02e71e-61ee-4775-b7df-9143b04342dc", "0A02e71E-61eE-4775-b7DF-9143B04342dC"])
    func readsEitherCase(_ text: String) {
        #expect(UUIDText.parse(text) == UUID(uuidString: text))
        #expect(UUIDText.parse(text) != nil)
    }
}
