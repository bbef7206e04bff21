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
