import Foundation
import NIOConcurrencyHelpers
import Vapor

/// What repeated reads would otherwise fetch and build again: who a token or session belongs to,
/// and the upcoming-meetings answers that every Calendar page load and API poll asks for.
/// All of it is kept under the `DataVersion`, so a change anywhere is seen at once.
///
/// What it buys, in `make bench` (10,000 students, 200,000 consultations, 32 connections): the
/// upcoming-meetings API answers 17,440 requests/s from the cache and 595 without it (127% and 4%
/// of the health route in the same runs).
struct ReadCaches: Sendable {
    /// Read only after loading: no request changes a signed-in account in place.
    let tokensByHash = VersionedCache<String, APIToken>()
    let accountsByID = VersionedCache<UUID, Account>()
    let sessions = VersionedCache<String, QuietSessionDriver.Stored>()
    /// Kept as a buffer that each answer shares rather than copies.
    let upcomingJSON = VersionedCache<UpcomingMeetingsQuery, ByteBuffer>()
    /// The Upcoming Meetings table as HTML, by the time zone it shows times in.
    let upcomingTables = VersionedCache<String, String>()
    /// Today's data as JSON, by the owner's time zone and when they last looked.
    let today = VersionedCache<TodayAPIController.CacheKey, ByteBuffer>()
    /// Briefs before meetings, as JSON, by consultation and the owner's time zone.
    let briefs = VersionedCache<ConsultationBrief.CacheKey, ByteBuffer>()
    /// Search answers (`GET /api/search`), by the query's words and the limit.
    let searches = VersionedCache<SearchAPIController.CacheKey, ByteBuffer>()
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

// MARK: - Entries kept under a version

/// Values built from the database, each kept under the `DataVersion` it was built at and served
/// only while that is still the current version and the value's own expiry has not passed.
final class VersionedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var version: Int64
        var expires: Date
        var value: Value
    }

    private let entries = NIOLockedValueBox([Key: Entry]())
    /// A caller's part in a build: begins the shared one, joins it, or builds alone.
    private enum Part { case lead(EventLoopPromise<Value>), join(EventLoopPromise<Value>), alone }
    /// Builds under way, one per key, with the version each was asked at.
    private let builds = NIOLockedValueBox([Key: (version: Int64, result: EventLoopPromise<Value>)]())
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

    /// What `build` makes of `key` at `version`, shared by every caller that asks for the same key
    /// and version while it runs; answered on `eventLoop`.
    ///
    /// Why: when a kept value expires or the version moves, every request waiting on it missed at
    /// once and each built it again (on PostgreSQL, Today's 300 ms of queries times the connections
    /// waiting: a p99 of 4.5 s in one `make bench`). A caller that joins asked at the same version,
    /// and the build reads the data after that version was read, so the shared value is as exact as
    /// a kept one. A caller at another version builds its own.
    func sharedBuild(of key: Key, version: Int64, on eventLoop: any EventLoop,
                     _ build: () -> EventLoopFuture<Value>) -> EventLoopFuture<Value> {
        // Claimed under the lock before anything is built, so that callers racing in start one build.
        let part = builds.withLockedValue { builds -> Part in
            if let running = builds[key] {
                if running.version == version { return .join(running.result) }
                // Asked at an older version than the build under way: built alone, the newer one kept.
                if running.version > version { return .alone }
            }
            let promise = eventLoop.makePromise(of: Value.self)
            builds[key] = (version, promise)
            return .lead(promise)
        }
        switch part {
        case .alone:
            return build().hop(to: eventLoop)
        case .join(let shared):
            return shared.futureResult.hop(to: eventLoop)
        case .lead(let shared):
            build().cascade(to: shared)
            shared.futureResult.whenComplete { _ in
                self.builds.withLockedValue { builds in
                    if let running = builds[key], running.result.futureResult === shared.futureResult { builds[key] = nil }
                }
            }
            return shared.futureResult
        }
    }
}

// MARK: - A cached JSON answer

extension Request {
    /// A JSON answer kept in `cache` under the data version: looked up for the version this request
    /// read, and only on a miss `build` (which stores it for the next request), once for all the
    /// requests that miss it together (`VersionedCache.sharedBuild`). `afresh` skips the kept
    /// answer and builds one for this request alone.
    ///
    /// Written with futures because a hit is nearly every request: it then costs no task and no
    /// thread hop (not measured apart from the cache itself; see `ReadCaches`).
    func cachedJSON<Key: Hashable & Sendable>(_ key: Key, in cache: VersionedCache<Key, ByteBuffer>, afresh: Bool = false,
                                              building build: @escaping @Sendable (Int64) -> EventLoopFuture<ByteBuffer>) -> EventLoopFuture<Response> {
        dataVersionFuture().flatMap { version in
            if !afresh, let body = cache.value(for: key, version: version) {
                return self.eventLoop.makeSucceededFuture(PlainJSON.response(encoded: body))
            }
            let body = afresh ? build(version) : cache.sharedBuild(of: key, version: version, on: self.eventLoop) { build(version) }
            return body.map { PlainJSON.response(encoded: $0) }
        }
    }

    /// `cachedJSON` for a `build` written as async code: a miss starts a task.
    func cachedJSON<Key: Hashable & Sendable>(_ key: Key, in cache: VersionedCache<Key, ByteBuffer>,
                                              build: @escaping @Sendable (Int64) async throws -> ByteBuffer) -> EventLoopFuture<Response> {
        let eventLoop = self.eventLoop
        return cachedJSON(key, in: cache, building: { version in eventLoop.makeFutureWithTask { try await build(version) } })
    }
}
