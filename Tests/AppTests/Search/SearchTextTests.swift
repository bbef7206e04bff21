@testable import App
import Foundation
import Testing

@Suite("Search text: words, folding, snippets, marks")
struct SearchTextTests {
    @Test(arguments: [
        ("José Núñez", ["jose", "nunez"]),
        ("ZOË", ["zoe"]),
        ("Straße", ["strasse"]),
        ("Søren Łukasz Đorđe", ["soren", "lukasz", "dorde"]),
        ("Ｆｕｌｌｗｉｄｔｈ", ["fullwidth"]),
        ("ﬁnal", ["final"]),
        ("İstanbul", ["istanbul"]),
        ("Привет, Ёжик!", ["привет", "ежик"]),
        ("thesis-writing, 2027/03", ["thesis", "writing", "2027", "03"]),
        ("ada@example.com", ["ada", "example", "com"]),
        ("हिन्दी", ["हिन्दी"]),
        ("日本語の勉強", ["日本語の勉強"]),
        ("🎓 graduation 🎉", ["graduation"]),
        ("\"quoted\" NEAR(a b) *star* -minus", ["quoted", "near", "a", "b", "star", "minus"]),
        ("", []),
        ("  \n\t ", []),
    ])
    func wordsAreFoldedAndSplitOnAnythingButLettersDigitsAndMarks(_ text: String, _ expected: [String]) {
        #expect(SearchText.tokens(text) == expected)
    }

    @Test func longWordsAreCutTheSameWayInTextAndQuery() {
        let long = String(repeating: "ab", count: 100)
        let token = try! #require(SearchText.tokens(long).first)
        #expect(token.unicodeScalars.count == SearchText.maxWordLength)
        #expect(SearchText.queryWords(long) == [token])
    }

    @Test func queryWordsAreDistinctAndAPrefixOfAnotherIsDropped() {
        #expect(SearchText.queryWords("Thesis th THESIS essay") == ["thesis", "essay"])
        #expect(SearchText.queryWords("*** --- ((( ") == [])
        #expect(SearchText.queryWords(String(repeating: "x ", count: 2_000)) == ["x"])
        // Only the first 1,000 characters are read.
        let tail = String(repeating: " ", count: SearchText.maxQueryLength) + "hidden"
        #expect(SearchText.queryWords(tail) == [])
    }

    @Test func aPrefixMayEndInsideACharacter() {
        // "हिन" is the start of "हिन्दी" by code points, though not by whole characters.
        #expect(SearchText.starts("हिन्दी", with: "हिन"))
        #expect(!"हिन्दी".hasPrefix("हिन"))
        let text = "भाषा हिन्दी है"
        let match = try! #require(SearchText.firstMatch(in: text, anyOf: ["हिन"]))
        #expect(String(text.unicodeScalars[match]) == "हिन्दी")
    }

    @Test func aQueryIsReadAsAtMostItsFirst64DistinctWords() {
        let words = (1...100).map { "w\($0)x" }
        #expect(SearchText.queryWords(words.joined(separator: " ")) == Array(words.prefix(SearchText.maxQueryWords)))
    }

    @Test func aSnippetStaysShortWhenTheMatchedWordIsLong() {
        // Thai is written without spaces: a whole paragraph is one word.
        let run = String(repeating: "ภาษาไทย", count: 2_000)
        let snippet = SearchSnippet.make(["before " + run + " after"], words: [SearchText.tokens(run)[0].unicodeScalars.prefix(3).map(String.init).joined()])
        #expect(snippet.unicodeScalars.count <= SearchSnippet.length + 2)
        #expect(snippet.hasSuffix("…"))
    }

    @Test func aSnippetIsTheTextAroundTheFirstMatchCutAtSpaces() {
        let before = (1...30).map { "word\($0)" }.joined(separator: " ")
        let after = (31...80).map { "word\($0)" }.joined(separator: " ")
        let text = "\(before)\nThe scholarship deadline\n\(after)"
        let snippet = SearchSnippet.make([text], words: ["scholar"])
        #expect(snippet.hasPrefix("…"))
        #expect(snippet.hasSuffix("…"))
        #expect(snippet.contains("The scholarship deadline"))
        #expect(!snippet.contains("\n"))
        #expect(snippet.count <= SearchSnippet.length + 2)
        // Whole words only at both ends.
        let inner = snippet.dropFirst().dropLast()
        for word in inner.split(separator: " ") {
            #expect(word.hasPrefix("word") ? text.contains(word) : ["The", "scholarship", "deadline"].contains(String(word)))
        }
        #expect(SearchSnippet.make(["short note"], words: ["short"]) == "short note")
        #expect(SearchSnippet.make(["", "second field has it"], words: ["has"]) == "second field has it")
        #expect(SearchSnippet.make(["first", "second"], words: ["zzz"]) == "first")
    }

    @Test(arguments: ["", " ", "one", "one two", " one", "one ", "one  two", "one\ntwo", "one\ttwo", "one\u{00A0}two",
                      "José und Zoë", "ภาษา ไทย", "a \u{2003}b", "x\r\ny", "  lead and trail  ", "é"])
    func textAlreadySingleSpacedIsKeptAsItIsAndOtherTextIsTidied(_ text: String) {
        let scalars = Substring(text).unicodeScalars
        let tidied = SearchSnippet.rebuiltSingleSpaced(scalars)
        // The check says yes exactly when tidying would change nothing.
        #expect(SearchSnippet.isSingleSpaced(scalars) == (tidied == text), "\(text.debugDescription)")
        #expect(SearchSnippet.singleSpaced(scalars) == tidied)
        #expect(!tidied.hasPrefix(" ") && !tidied.hasSuffix(" ") && !tidied.contains("  "))
    }

    @Test func marksAreWholeWordsThatStartWithAQueryWordWhateverTheirAccents() {
        let pieces = SearchSnippet.marked("José's thesis; Jose again, and jo-se", words: ["jose", "thes"])
        #expect(pieces.filter(\.marked).map(\.text) == ["José", "thesis", "Jose"])
        #expect(pieces.map(\.text).joined() == "José's thesis; Jose again, and jo-se")
        #expect(SearchSnippet.marked("", words: ["a"]) == [])
    }
}

/// The byte-wise snippet of ASCII text (`SearchSnippet.asciiSnippet`) is the one the general,
/// code-point-wise path makes.
@Suite("Search snippets of ASCII text")
struct ASCIISnippetTests {
    /// Text of words, runs of spaces, tabs and line breaks, and punctuation, of many lengths: the
    /// `n`th text takes `n % 121` pieces, chosen by a fixed spread over the list; every fifth has
    /// an "é" in it, for the general path.
    static func generated(count: Int) -> [String] {
        let pieces = ["student", "Scholarship", "PLAN", "dead", "a", "essay-2027", " ", "  ", "\t", "\n", "\r\n", ", ", ".",
                      "x", String(repeating: "y", count: 250), "Thesis", "th"]
        return (0..<count).map { n in
            var text = (0..<(n % 121)).map { k in pieces[(n * 31 + k * k * 7 + k) % pieces.count] }
            if n % 5 == 0 { text.insert("é", at: text.count / 2) }
            return text.joined()
        }
    }

    @Test func makesWhatTheGeneralPathMakes() {
        let queries = [["student"], ["dead", "plan"], ["th"], ["zzz"], ["a"], ["y"], ["scholar", "essay"], ["e"]]
        for text in Self.generated(count: 3_000) {
            for words in queries {
                let general = SearchText.firstMatch(in: text, anyOf: words).map { SearchSnippet.excerpt(text, around: $0) }
                let start = SearchSnippet.excerpt(text, around: text.startIndex..<text.startIndex)
                if let ascii = SearchSnippet.asciiSnippet(text, words: words) {
                    #expect(ascii == general, "\(text.debugDescription) \(words)")
                } else {
                    #expect(text.unicodeScalars.contains { !$0.isASCII }, "\(text.debugDescription)")
                }
                if !text.isEmpty, let ascii = SearchSnippet.asciiSnippet(text, words: [], orStart: true) {
                    #expect(ascii == start, "\(text.debugDescription)")
                }
            }
        }
    }
}
