import Fluent
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// The number `CreateDataVersion`'s triggers move forward on every change to the cached tables.
///
/// A request reads it once, before anything it may cache, and stores what it builds under that
/// number. A change committed in between only makes the copy newer than its number says, so the
/// next request, reading a larger number, builds it again: a copy is never older than its number.
enum DataVersion {
    static func future(on db: any Database) -> EventLoopFuture<Int64> {
        do {
            return try db.sql().raw("SELECT version FROM data_version WHERE id = 1").first().flatMapThrowing { row in
                guard let row else { throw Abort(.internalServerError, reason: "data_version has no row: run `crm migrate`") }
                return try row.decode(column: "version", as: Int64.self)
            }
        } catch {
            return db.eventLoop.makeFailedFuture(error)
        }
    }
}

extension Request {
    private struct DataVersionKey: StorageKey { typealias Value = Int64 }

    /// The data version as this request first read it: the signed-in checks read it, and a read-only
    /// handler reuses it. A handler that changes data must read `DataVersion` afresh before it
    /// serves anything from a cache, or it would get the copy from before its own change.
    func dataVersion() async throws -> Int64 {
        try await dataVersionFuture().get()
    }

    /// `dataVersion()` for code written with futures (see `Request.cached`). Requests that ask at
    /// about the same moment share one read (see `CoalescedRead`).
    func dataVersionFuture() -> EventLoopFuture<Int64> {
        if let version = storage[DataVersionKey.self] { return eventLoop.makeSucceededFuture(version) }
        let db = self.db
        return application.readCaches.dataVersionReads.value(on: eventLoop) {
            DataVersion.future(on: db)
        }.map { version in
            self.storage[DataVersionKey.self] = version
            return version
        }
    }
}

// MARK: - Shared reads

/// One read shared by every caller on an event loop that asks for it while the loop works through
/// what has already arrived.
///
/// Why: the data-version read is a database round trip (on SQLite, a hop to the thread pool and
/// back) that every request makes before it may serve anything cached, and under load it was most
/// of what a cached answer cost. Sharing it keeps the cost per loop turn instead of per request:
/// in `make bench` the cached upcoming-meetings API answers at 127% of the health route's rate with
/// it and 96% without it.
///
/// Why the shared value is still exact: the read is issued from a task queued behind the loop's
/// current work, and a caller can join only until that task starts. So the read begins after every
/// caller that shares it has asked, and sees every change committed before any of them asked.
final class CoalescedRead<Value: Sendable>: Sendable {
    private let pending = NIOLockedValueBox([ObjectIdentifier: EventLoopPromise<Value>]())

    /// The value as read after this call, on `eventLoop`. `read` runs only when this call starts a
    /// new shared read; it must answer on `eventLoop` or hop there itself.
    func value(on eventLoop: any EventLoop, read: @escaping @Sendable () -> EventLoopFuture<Value>) -> EventLoopFuture<Value> {
        let loop = ObjectIdentifier(eventLoop)
        let (promise, startsRead) = pending.withLockedValue { pending in
            if let shared = pending[loop] { return (shared, false) }
            let promise = eventLoop.makePromise(of: Value.self)
            pending[loop] = promise
            return (promise, true)
        }
        if startsRead {
            eventLoop.execute {
                // Closed to new callers before the read begins: a later caller starts the next read.
                self.pending.withLockedValue { $0[loop] = nil }
                read().hop(to: eventLoop).cascade(to: promise)
            }
        }
        return promise.futureResult
    }
}
