@testable import App
import NIOCore
import NIOPosix
import Testing

/// Callers that ask together share one read, and no caller gets a read that began before it asked:
/// that is what keeps the shared data version exact.
@Suite("Coalesced reads")
struct CoalescedReadTests {
    /// Runs `body` with a one-thread event loop, a `CoalescedRead` and a controlled read on it;
    /// answers any read left waiting and shuts the loop down, whether `body` passed or failed.
    private func onOneLoop(_ body: (any EventLoop, CoalescedRead<Int>, ControlledFutures<Int>) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let reads = ControlledFutures<Int>(eventLoop: loop)
        do {
            try await body(loop, CoalescedRead<Int>(), reads)
        } catch {
            reads.answerAll(with: -1)
            try await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    @Test func callersInOneLoopTurnShareOneRead() async throws {
        try await onOneLoop { loop, coalesced, reads in
            let futures = try await loop.submit {
                (0..<5).map { _ in coalesced.value(on: loop, read: reads.start) }
            }.get()
            try await loop.submit {}.get()  // the loop turn ends; the shared read has started
            try #require(reads.starts == 1)
            try reads.answer(0, value: 41)
            for future in futures { #expect(try await future.get() == 41) }
        }
    }

    @Test func aCallerAfterTheReadBeganGetsANewerRead() async throws {
        try await onOneLoop { loop, coalesced, reads in
            let first = try await loop.submit { coalesced.value(on: loop, read: reads.start) }.get()
            try await loop.submit {}.get()
            #expect(reads.starts == 1)
            // The first read is still in flight: a change may have committed since it began.
            let second = try await loop.submit { coalesced.value(on: loop, read: reads.start) }.get()
            try await loop.submit {}.get()
            try #require(reads.starts == 2)
            try reads.answer(1, value: 2)
            try reads.answer(0, value: 1)
            #expect(try await first.get() == 1)
            #expect(try await second.get() == 2)
        }
    }

    @Test func aFailedReadFailsItsCallersAndTheNextCallReadsAgain() async throws {
        struct Unreachable: Error {}
        try await onOneLoop { loop, coalesced, _ in
            let failing = try await loop.submit {
                coalesced.value(on: loop) { loop.makeFailedFuture(Unreachable()) }
            }.get()
            await #expect(throws: Unreachable.self) { try await failing.get() }
            let next = try await loop.submit { coalesced.value(on: loop) { loop.makeSucceededFuture(7) } }.get()
            #expect(try await next.get() == 7)
        }
    }
}
