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

    /// A query longer than this is searched by its first this many characters.
    static let maxQueryLength = 1_000

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

    /// The first word of `text` that `matches`, reading no further than it.
    static func firstWord(in text: String, where matches: (Word) -> Bool) -> Word? {
        var found: Word?
        forEachWord(in: text) { word in
            guard matches(word) else { return true }
            found = word
            return false
        }
        return found
    }

    /// Calls `body` with each word of `text` in order while it returns true.
    static func forEachWord(in text: String, _ body: (Word) -> Bool) {
        let scalars = text.unicodeScalars
        var start: String.Index?
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if isWordScalar(scalars[index]) {
                if start == nil { start = index }
            } else if let begun = start {
                start = nil
                let word = word(text, begun..<index)
                if !word.folded.isEmpty, !body(word) { return }
            }
            index = scalars.index(after: index)
        }
        if let begun = start {
            let word = word(text, begun..<scalars.endIndex)
            if !word.folded.isEmpty { _ = body(word) }
        }
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
        return distinct.filter { word in !distinct.contains { $0 != word && $0.hasPrefix(word) } }
    }

    /// Whether a word of the text matches a query word: it starts with it.
    static func matches(_ word: Word, anyOf queryWords: [String]) -> Bool {
        word.folded.contains { folded in queryWords.contains { folded.hasPrefix($0) } }
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
        if scalar.isASCII {
            let value = scalar.value
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// Letters that carry an accent-like stroke but have no decomposition, folded as a reader would.
    private static let undecomposed: [Unicode.Scalar: String] = [
        "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t", "ƀ": "b", "ɨ": "i",
        "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss",
    ]
}
