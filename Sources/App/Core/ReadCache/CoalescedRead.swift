import NIOConcurrencyHelpers
import NIOCore

/// One read shared by every caller on an event loop that asks for it while the loop works through
/// what has already arrived.
///
/// Why: the data-version read is a database round trip (on SQLite, a hop to the thread pool and
/// back) that every request makes before it may serve anything cached, and under load it was most
/// of what a cached answer cost. Sharing it keeps the cost per loop turn instead of per request.
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
