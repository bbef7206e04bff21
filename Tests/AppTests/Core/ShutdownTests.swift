@testable import App
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import Vapor

/// Shutdown lets requests being answered finish before the databases close, and turns new ones away.
@Suite("Shutdown")
struct ShutdownTests {
    private struct SlowResponder: Responder {
        let gate: EventLoopPromise<Void>
        func respond(to request: Request) -> EventLoopFuture<Response> {
            gate.futureResult.map { Response(status: .ok) }
        }
    }

    @Test func shutdownWaitsForRequestsInFlightThenRefusesNewOnes() async throws {
        let app = try await Application.make(.testing)
        let inFlight = RequestsInFlight(drainLimit: .seconds(5))
        let loop = app.eventLoopGroup.any()
        let gate = loop.makePromise(of: Void.self)
        let slow = Request(application: app, on: loop)
        let answer = inFlight.respond(to: slow, chainingTo: SlowResponder(gate: gate))
        #expect(inFlight.count == 1)

        let stopped = NIOLockedValueBox(false)
        let shutdown = Task {
            await inFlight.shutdownAsync(app)
            stopped.withLockedValue { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        // Still waiting on the request in flight.
        #expect(inFlight.count == 1)
        #expect(stopped.withLockedValue { $0 } == false)
        let late = inFlight.respond(to: Request(application: app, on: loop), chainingTo: SlowResponder(gate: gate))
        await #expect(throws: AppError.self) { try await late.get() }

        gate.succeed()
        #expect(try await answer.get().status == .ok)
        await shutdown.value
        #expect(stopped.withLockedValue { $0 })
        #expect(inFlight.count == 0)
        try await app.asyncShutdown()
    }
}

/// A stopping instance behind a load balancer lets the balancer close its kept-alive connections
/// before it stops listening (`ConnectionDrain`).
@Suite("Shutdown drain")
struct ConnectionDrainTests {
    private struct Answers: Responder {
        func respond(to request: Request) -> EventLoopFuture<Response> {
            request.eventLoop.makeSucceededFuture(Response(status: .ok))
        }
    }

    @Test func answersCloseTheirConnectionsOnceStoppingAndStoppingWaitsOutTheWindow() async throws {
        let app = try await Application.make(.testing)
        let drain = ConnectionDrain(window: .seconds(2))
        let loop = app.eventLoopGroup.any()
        let before = try await drain.respond(to: Request(application: app, on: loop), chainingTo: Answers()).get()
        #expect(before.headers[.connection].isEmpty)

        let clock = ContinuousClock()
        let began = clock.now
        let stopped = NIOLockedValueBox(false)
        let shutdown = Task {
            await drain.shutdownAsync(app)
            stopped.withLockedValue { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(200))
        // Still answering, and asking each client to close the connection.
        #expect(stopped.withLockedValue { $0 } == false)
        let during = try await drain.respond(to: Request(application: app, on: loop), chainingTo: Answers()).get()
        #expect(during.status == .ok)
        #expect(during.headers[.connection] == ["close"])
        await shutdown.value
        // The window counts from the last answer that left its connection open.
        #expect(clock.now - began >= .milliseconds(1_900))
        try await app.asyncShutdown()
    }

    @Test func theWindowCountsFromTheLastAnswerThatLeftItsConnectionOpen() async throws {
        let app = try await Application.make(.testing)
        let drain = ConnectionDrain(window: .seconds(3))
        let loop = app.eventLoopGroup.any()
        _ = try await drain.respond(to: Request(application: app, on: loop), chainingTo: Answers()).get()
        // when: stopping begins 2 s after that answer
        try await Task.sleep(for: .seconds(2))
        let clock = ContinuousClock()
        let began = clock.now
        await drain.shutdownAsync(app)
        // then: it waits about the 1 s left of the window, not the whole 3 s
        #expect(clock.now - began < .milliseconds(2_500))
        try await app.asyncShutdown()
    }

    @Test func withNoConnectionLeftOpenStoppingDoesNotWait() async throws {
        let app = try await Application.make(.testing)
        let drain = ConnectionDrain(window: .seconds(60))
        // Without an answer ever given, no connection can be left open, so stopping does not wait
        // out the 60 s window: it finishes before a 10 s timer does.
        let first = await withTaskGroup(of: String.self) { group in
            group.addTask { await drain.shutdownAsync(app); return "stopped" }
            group.addTask { try? await Task.sleep(for: .seconds(10)); return "timer" }
            let first = await group.next()
            group.cancelAll()
            return first
        }
        #expect(first == "stopped")
        try await app.asyncShutdown()
    }
}
