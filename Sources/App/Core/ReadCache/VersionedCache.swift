import Foundation
import NIOConcurrencyHelpers

/// Values built from the database, each kept under the `DataVersion` it was built at and served
/// only while that is still the current version and the value's own expiry has not passed.
final class VersionedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var version: Int64
        var expires: Date
        var value: Value
    }

    private let entries = NIOLockedValueBox([Key: Entry]())
    /// Past this many keys the cache starts afresh: simpler than eviction, and keys are few
    /// (one owner, a handful of tokens, sessions and query shapes).
    let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    func value(for key: Key, version: Int64, now: Date = Date()) -> Value? {
        entries.withLockedValue { entries in
            guard let entry = entries[key], entry.version == version, entry.expires > now else { return nil }
            return entry.value
        }
    }

    func store(_ value: Value, for key: Key, version: Int64, expires: Date = .distantFuture) {
        entries.withLockedValue { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(version: version, expires: expires, value: value)
        }
    }
}
