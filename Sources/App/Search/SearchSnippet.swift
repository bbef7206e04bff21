import Foundation

/// The plain text shown under a result: a few words either side of the first match (SPEC 11).
enum SearchSnippet {
    /// Characters kept before the first matched word, and in all.
    static let before = 60
    static let length = 200

    /// From the first of `fields`, then of `more` (read only if needed), that has a matching
    /// word; the start of the first non-empty field when none has (a meeting found by its
    /// student's name).
    static func make(_ fields: [String], words: [String], more: () -> [String] = { [] }) -> String {
        func around(_ field: String) -> String? {
            if let ascii = asciiSnippet(field, words: words) { return ascii }
            return SearchText.firstMatch(in: field, anyOf: words).map { excerpt(field, around: $0) }
        }
        if let found = fields.lazy.compactMap(around).first ?? more().lazy.compactMap(around).first {
            return found
        }
        guard let field = fields.first(where: { !$0.isEmpty }) else { return "" }
        if let ascii = asciiSnippet(field, words: [], orStart: true), let start = ascii { return start }
        return excerpt(field, around: field.startIndex..<field.startIndex)
    }

    /// About `length` characters of `text` around `range`, cut at word boundaries, with "…" where
    /// text was left out and runs of white space (line breaks too) as one space.
    static func excerpt(_ text: String, around range: Range<String.Index>) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.index(range.lowerBound, offsetBy: -before, limitedBy: scalars.startIndex) ?? scalars.startIndex
        // At most `length` characters, even when the match itself is longer (a run of Thai or
        // Chinese without spaces is one word): then the match is cut too.
        var end = scalars.index(start, offsetBy: length, limitedBy: scalars.endIndex) ?? scalars.endIndex
        // Cut at spaces, so no other word is shown in part.
        if start > scalars.startIndex, let space = scalars[start..<range.lowerBound].firstIndex(where: isSpace) {
            start = scalars.index(after: space)
        }
        if end < scalars.endIndex, end > range.upperBound,
           let space = scalars[range.upperBound..<end].lastIndex(where: isSpace) {
            end = space
        }
        return (start > scalars.startIndex ? "…" : "") + singleSpaced(scalars[start..<end]) + (end < scalars.endIndex ? "…" : "")
    }

    /// `scalars` with runs of white space (line breaks too) as one space, and none at either end.
    static func singleSpaced(_ scalars: Substring.UnicodeScalarView) -> String {
        // Most notes are already single-spaced: then the text is kept as it is, in one copy, rather
        // than rebuilt a code point at a time (which was a tenth of a fresh search's work).
        isSingleSpaced(scalars) ? String(scalars) : rebuiltSingleSpaced(scalars)
    }

    /// `singleSpaced`, built a code point at a time.
    static func rebuiltSingleSpaced(_ scalars: Substring.UnicodeScalarView) -> String {
        var body = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in scalars {
            if isSpace(scalar) {
                pendingSpace = !body.isEmpty
            } else {
                if pendingSpace { body.append(" ") }
                pendingSpace = false
                body.append(scalar)
            }
        }
        return String(body)
    }

    /// Whether `rebuiltSingleSpaced` would leave `scalars` as they are: no white space but single plain
    /// spaces between other characters.
    static func isSingleSpaced(_ scalars: Substring.UnicodeScalarView) -> Bool {
        var afterSpace = true
        for scalar in scalars {
            if isSpace(scalar) {
                if afterSpace || scalar != " " { return false }
                afterSpace = true
            } else {
                afterSpace = false
            }
        }
        return !afterSpace || scalars.isEmpty
    }

    /// White space, with the common ASCII cases answered without a Unicode property lookup.
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isASCIISpace(UInt8(scalar.value)) }
        return scalar.properties.isWhitespace
    }

    /// ASCII white space: the space, tab, and line and page breaks.
    static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte)
    }

    /// `text` in pieces, each marked when it is a word that matches: what a page wraps in `<mark>`.
    static func marked(_ text: String, words: [String]) -> [Piece] {
        var pieces: [Piece] = []
        var cursor = text.startIndex
        SearchText.forEachWordRange(in: text) { range, ascii in
            guard SearchText.matches(text, range, ascii: ascii, anyOf: words) else { return true }
            if cursor < range.lowerBound {
                pieces.append(Piece(text: String(text.unicodeScalars[cursor..<range.lowerBound]), marked: false))
            }
            pieces.append(Piece(text: String(text.unicodeScalars[range]), marked: true))
            cursor = range.upperBound
            return true
        }
        if cursor < text.endIndex { pieces.append(Piece(text: String(text.unicodeScalars[cursor...]), marked: false)) }
        return pieces
    }

    struct Piece: Encodable, Equatable, Sendable {
        let text: String
        let marked: Bool
    }
}
