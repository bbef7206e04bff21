import Foundation

/// `SearchSnippet`'s work on text that is all ASCII, done on its bytes.
///
/// Why: a snippet is made for every result of every search, mostly from notes in plain English.
/// Walking them code point by code point (each step checked by `String`) was about 7% of a fresh
/// search's work. On ASCII, a code point is a byte and these steps are byte arithmetic; the answers
/// are the same (a test compares the two on generated text).
extension SearchSnippet {
    /// The snippet of `field` for `words` as `excerpt(_:around:)` would make it, around the first
    /// matching word (or the start, when `orStart`); nil when `field` is not all ASCII (the
    /// general path then answers), or nothing matches.
    static func asciiSnippet(_ field: String, words: [String], orStart: Bool = false) -> String?? {
        var field = field
        return field.withUTF8 { bytes -> String?? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            if let found = firstMatch(in: bytes, anyOf: words) { return .some(excerpt(bytes, around: found)) }
            return .some(orStart && !bytes.isEmpty ? excerpt(bytes, around: 0..<0) : nil)
        }
    }

    /// `SearchText.firstMatch` on ASCII bytes: words are runs of letters and digits; a word matches
    /// when one query word is a prefix of it lower-cased.
    private static func firstMatch(in bytes: UnsafeBufferPointer<UInt8>, anyOf words: [String]) -> Range<Int>? {
        var start: Int?
        for index in 0...bytes.count {
            if index < bytes.count, SearchText.isASCIIWordByte(bytes[index]) {
                if start == nil { start = index }
                continue
            }
            guard let begun = start else { continue }
            start = nil
            let word = UnsafeBufferPointer(rebasing: bytes[begun..<index])
            if words.contains(where: { SearchText.asciiWord(word, startsWith: $0) }) { return begun..<index }
        }
        return nil
    }

    /// `excerpt(_:around:)` on ASCII bytes.
    private static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>, around range: Range<Int>) -> String {
        var start = max(range.lowerBound - before, 0)
        var end = min(start + length, bytes.count)
        if start > 0, let space = (start..<range.lowerBound).first(where: { isASCIISpace(bytes[$0]) }) {
            start = space + 1
        }
        if end < bytes.count, end > range.upperBound,
           let space = (range.upperBound..<end).last(where: { isASCIISpace(bytes[$0]) }) {
            end = space
        }
        let body = singleSpaced(UnsafeBufferPointer(rebasing: bytes[start..<max(start, end)]))
        return (start > 0 ? "…" : "") + body + (end < bytes.count ? "…" : "")
    }

    /// `singleSpaced` on ASCII bytes.
    private static func singleSpaced(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isSingleSpaced(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            if isASCIISpace(byte) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `isSingleSpaced` on ASCII bytes.
    private static func isSingleSpaced(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var afterSpace = true
        for byte in bytes {
            if isASCIISpace(byte) {
                if afterSpace || byte != UInt8(ascii: " ") { return false }
                afterSpace = true
            } else {
                afterSpace = false
            }
        }
        return !afterSpace || bytes.isEmpty
    }
}
