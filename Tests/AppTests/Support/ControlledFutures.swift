import NIOConcurrencyHelpers
import NIOCore
import Testing

/// Work a test starts and answers by hand (a read, a build): counts its starts and answers only
/// when told to, so a test can see who shared what.
final class ControlledFutures<Value: Sendable>: Sendable {
    let eventLoop: any EventLoop
    private let started = NIOLockedValueBox([EventLoopPromise<Value>]())

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    var starts: Int { started.withLockedValue { $0.count } }

    func start() -> EventLoopFuture<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        started.withLockedValue { $0.append(promise) }
        return promise.futureResult
    }

    /// Answers the `number`th one started (from 0) with `value`.
    func answer(_ number: Int, value: Value) throws {
        let promise = try #require(started.withLockedValue { number < $0.count ? $0[number] : nil })
        promise.succeed(value)
    }

    /// Answers whatever is still waiting with `value`, so that a failed test ends rather than hangs.
    func answerAll(with value: Value) {
        started.withLockedValue { $0 }.forEach { $0.succeed(value) }
    }
}
