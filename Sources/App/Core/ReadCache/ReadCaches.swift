import Foundation
import Vapor

/// What repeated reads would otherwise fetch and build again: who a token or session belongs to,
/// and the upcoming-meetings answers that every Calendar page load and API poll asks for.
/// All of it is kept under the `DataVersion`, so a change anywhere is seen at once.
struct ReadCaches: Sendable {
    /// Read only after loading: no request changes a signed-in account in place.
    let accountsByTokenHash = VersionedCache<String, Account>()
    let accountsByID = VersionedCache<UUID, Account>()
    let sessions = VersionedCache<String, QuietSessionDriver.Stored>()
    /// Kept as a buffer that each answer shares rather than copies.
    let upcomingJSON = VersionedCache<UpcomingMeetingsQuery, ByteBuffer>()
    /// The Upcoming Meetings table as HTML, by the time zone it shows times in.
    let upcomingTables = VersionedCache<String, String>()
    /// The data-version reads of requests that arrive together, shared.
    let dataVersionReads = CoalescedRead<Int64>()
}

extension Application {
    private struct ReadCachesKey: StorageKey { typealias Value = ReadCaches }

    /// Set up by `configure`, before the app answers anything.
    var readCaches: ReadCaches {
        get {
            guard let caches = storage[ReadCachesKey.self] else { fatalError("configure(_:) sets up the read caches") }
            return caches
        }
        set { storage[ReadCachesKey.self] = newValue }
    }
}

extension Request {
    /// `key`'s value in `cache` at the current data version, or else `load`ed and kept (when found).
    /// Written with futures: a cached value then costs no task or thread hop.
    func cached<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key, in cache: VersionedCache<Key, Value>, load: @escaping @Sendable () -> EventLoopFuture<Value?>
    ) -> EventLoopFuture<Value?> {
        dataVersionFuture().flatMap { version in
            if let value = cache.value(for: key, version: version) { return self.eventLoop.makeSucceededFuture(value) }
            return load().map { value in
                if let value { cache.store(value, for: key, version: version) }
                return value
            }
        }
    }
}
