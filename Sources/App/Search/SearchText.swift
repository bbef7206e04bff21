import Foundation

/// How text becomes searchable words, the same way for what is indexed, for what is asked, and for
/// the words a page marks (SPEC 11).
///
/// A word is a run of letters, digits and combining marks; everything else separates words. Each
/// word is folded by the app (case, accents, width, and the few letters Unicode does not decompose,
/// such as "ø" and "ł"), so "José" and "JOSE" are the same word to both databases and neither needs
/// an extension. Folding happens here rather than in SQLite's or PostgreSQL's tokenizer so that both
/// index exactly the same words, whatever the PostgreSQL server's locale.
enum SearchText {
    /// Longer words are cut to this many characters, in the index and in queries alike, which
    /// keeps every word under PostgreSQL's lexeme limit and leaves prefix matching intact.
    static let maxWordLength = 60

    /// A query longer than this is searched by its first this many characters, and by its first
    /// `maxQueryWords` distinct words: enough for any phrase a person types, and a bound on the
    /// work one search asks of the database.
    static let maxQueryLength = 1_000
    static let maxQueryWords = 64

    /// A word of `text`: where it is, and its folded forms (usually one; a ligature or a letter
    /// that folds to punctuation can make more).
    struct Word: Sendable {
        let range: Range<String.Index>
        let folded: [String]
    }

    /// The words of `text`, in order, with where each one is.
    static func words(in text: String) -> [Word] {
        var words: [Word] = []
        forEachWord(in: text) { words.append($0); return true }
        return words
    }

    /// Whether `word` starts with `prefix`, code point by code point: a prefix of a word may end
    /// inside a character (a Devanagari consonant before its vowel sign), where `hasPrefix`, which
    /// compares whole characters, says no.
    static func starts(_ word: String, with prefix: String) -> Bool {
        word.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// Where the first word of `text` that starts with one of `queryWords` is, reading no further.
    /// Plain ASCII words are compared in place, without folding a copy: a snippet is made from
    /// notes for every result.
    static func firstMatch(in text: String, anyOf queryWords: [String]) -> Range<String.Index>? {
        var found: Range<String.Index>?
        forEachWordRange(in: text) { range, ascii in
            guard matches(text, range, ascii: ascii, anyOf: queryWords) else { return true }
            found = range
            return false
        }
        return found
    }

    /// Whether the word of `text` at `range` starts with one of `queryWords` once folded.
    static func matches(_ text: String, _ range: Range<String.Index>, ascii: Bool, anyOf queryWords: [String]) -> Bool {
        guard ascii else {
            return fold(String(text.unicodeScalars[range])).contains { folded in queryWords.contains { starts(folded, with: $0) } }
        }
        let word = text.utf8[range]
        return queryWords.contains { asciiWord(word, startsWith: $0) }
    }

    /// Whether the plain ASCII `word`, folded, starts with the folded query word `query`, compared
    /// in place.
    static func asciiWord(_ word: some Collection<UInt8>, startsWith query: String) -> Bool {
        guard query.utf8.count <= word.count else { return false }
        // ASCII folding is lower case: set bit 5 of A-Z.
        return zip(word, query.utf8).allSatisfy { byte, wanted in
            (0x41...0x5A).contains(byte) ? byte | 0x20 == wanted : byte == wanted
        }
    }

    /// Calls `body` with each word of `text` in order while it returns true.
    static func forEachWord(in text: String, _ body: (Word) -> Bool) {
        forEachWordRange(in: text) { range, _ in
            let word = word(text, range)
            return word.folded.isEmpty || body(word)
        }
    }

    /// Calls `body` with where each word of `text` is, and whether it is plain ASCII, while it
    /// returns true.
    static func forEachWordRange(in text: String, _ body: (Range<String.Index>, Bool) -> Bool) {
        let scalars = text.unicodeScalars
        var start: String.Index?
        var ascii = true
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if isWordScalar(scalar) {
                if start == nil {
                    start = index
                    ascii = true
                }
                if !scalar.isASCII { ascii = false }
            } else if let begun = start {
                start = nil
                if !body(begun..<index, ascii) { return }
            }
            index = scalars.index(after: index)
        }
        if let begun = start { _ = body(begun..<scalars.endIndex, ascii) }
    }

    /// The folded words of `text`, in order, repeats kept.
    static func tokens(_ text: String) -> [String] {
        words(in: text).flatMap(\.folded)
    }

    /// The distinct folded words of a query, without any that another word of it starts with
    /// ("th thesis" is "thesis": whatever has a word starting "thesis" has one starting "th").
    static func queryWords(_ query: String) -> [String] {
        let tokens = tokens(String(query.unicodeScalars.prefix(maxQueryLength)))
        var distinct: [String] = []
        for token in tokens where !distinct.contains(token) { distinct.append(token) }
        let kept = distinct.filter { word in !distinct.contains { $0 != word && starts($0, with: word) } }
        return Array(kept.prefix(maxQueryWords))
    }

    private static func word(_ text: String, _ range: Range<String.Index>) -> Word {
        Word(range: range, folded: fold(String(text.unicodeScalars[range])))
    }

    /// One word folded: lower case, no accents, normal width; split again if folding made a separator.
    static func fold(_ word: String) -> [String] {
        // Most words are plain ASCII letters and digits: lower case is all their folding needs.
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            return [String(word.lowercased().prefix(maxWordLength))]
        }
        let folded = word.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if let replacement = undecomposed[scalar] {
                current.append(contentsOf: replacement.unicodeScalars)
            } else if isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { pieces.append(String(current)) }
        return pieces.map { String($0.unicodeScalars.prefix(maxWordLength)) }
    }

    /// Letters, digits and combining marks (so words of scripts that write vowels as marks stay whole).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isASCIIWordByte(UInt8(scalar.value)) }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// ASCII letters and digits: the word characters of plain ASCII text.
    static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Letters that carry an accent-like stroke but have no decomposition, folded as a reader would.
    private static let undecomposed: [Unicode.Scalar: String] = [
        "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "ƀ": "b", "ɨ": "i",
        "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss",
    ]
}
