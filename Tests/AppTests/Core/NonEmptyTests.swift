@testable import App
import Foundation
import Testing

/// `String.nonEmpty` reads blank as Foundation's `.whitespacesAndNewlines` trimming does, without it.
@Suite("Blank text")
struct NonEmptyTests {
    @Test(arguments: ["", " ", "\t\n\r", "\u{00A0}", "\u{2003}\u{3000}", "\u{2028}\u{2029}", "\u{0085}", "\u{000B}\u{000C}",
                      "a", " a ", "\u{200B}", "\u{FEFF}", "é", "\u{0301}", "👩‍🎓", "\t.\n"])
    func blankIsWhatTrimmingLeavesEmpty(_ text: String) {
        let blankByFoundation = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        #expect((text.nonEmpty == nil) == blankByFoundation)
        #expect(text.nonEmpty == (blankByFoundation ? nil : text))
    }
}
