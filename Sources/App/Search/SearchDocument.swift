import Foundation

/// A record's words as the index stores them, worked out before the write transaction begins.
struct SearchDocument: Sendable {
    let key: SearchIndex.Pending
    let date: Date
    /// Every word of the record (its names' too), in order.
    let words: [String]
    /// The words of its names alone: a query whose every word is here ranks first.
    let titleWords: [String]

    init(_ source: SearchSource) {
        key = source.key
        date = source.date
        words = source.allWords
        titleWords = source.titleWords
    }
}
