import NIOConcurrencyHelpers
import Vapor

/// What a server remembers between searches so that a search does little besides its one query.
///
/// - `indexedThrough`: the data version at which the queue was last seen empty. Every write that
///   queues a record also moves the data version (the same transaction), so while the version is
///   unchanged there is nothing to index and the check is skipped.
/// - Prefix expansions (SQLite): which indexed words a query word starts. Indexed words are only
///   added, by this process's indexing, which starts a new generation; an expansion read in an
///   older generation is not used.
final class SearchMemory: Sendable {
    private struct State {
        var indexedThrough: Int64?
        var generation = 0
        var expansions: [String: (generation: Int, terms: [String])] = [:]
        var indexedSinceMerge = 0
        var merging = false
    }

    /// Enough for every word a mentor types in a long while; past it, the memory starts over.
    static let maxExpansions = 10_000
    private let state = NIOLockedValueBox(State())

    func isIndexed(through version: Int64) -> Bool {
        state.withLockedValue { $0.indexedThrough.map { $0 >= version } ?? false }
    }

    func markIndexed(through version: Int64) {
        state.withLockedValue { $0.indexedThrough = max($0.indexedThrough ?? version, version) }
    }

    var generation: Int { state.withLockedValue { $0.generation } }

    /// Called after indexing committed `records` records' words.
    func wordsAdded(records: Int) {
        state.withLockedValue {
            $0.generation += 1
            $0.indexedSinceMerge += records
        }
    }

    /// Records this process indexed since it last merged the SQLite index (`SQLiteSearchCompaction`).
    var indexedSinceMerge: Int { state.withLockedValue { $0.indexedSinceMerge } }

    /// A merge of the SQLite index begins: what is indexed from now on counts toward the next one.
    func mergeBegan() {
        state.withLockedValue {
            $0.indexedSinceMerge = 0
            $0.merging = true
        }
    }

    /// Whether this process is merging the SQLite index (`SQLiteSearchCompaction`), from the first
    /// step of a merge until a step finds nothing left, across the runs that yield to requests.
    var isMerging: Bool {
        get { state.withLockedValue { $0.merging } }
        set { state.withLockedValue { $0.merging = newValue } }
    }

    func expansion(of word: String) -> [String]? {
        state.withLockedValue { state in
            state.expansions[word].flatMap { $0.generation == state.generation ? $0.terms : nil }
        }
    }

    func remember(_ terms: [String], for word: String, readIn generation: Int) {
        state.withLockedValue { state in
            if state.expansions.count >= Self.maxExpansions { state.expansions.removeAll() }
            state.expansions[word] = (generation, terms)
        }
    }
}

extension Application {
    private struct SearchMemoryKey: StorageKey { typealias Value = SearchMemory }

    /// Set up by `configure`, before the app answers anything.
    var searchMemory: SearchMemory {
        get {
            guard let memory = storage[SearchMemoryKey.self] else { fatalError("configure(_:) sets up the search memory") }
            return memory
        }
        set { storage[SearchMemoryKey.self] = newValue }
    }
}
