import NIOConcurrencyHelpers
import Vapor

/// Counts the requests being answered, so that shutdown can let them finish before the databases
/// close, and so that background work (search indexing) can yield to them.
///
/// Vapor closes the databases (a lifecycle handler of Fluent's) before it stops the HTTP server, so
/// on Ctrl-C or SIGTERM a request still queued reached a closed database and crashed the process.
/// When shutdown begins, this turns new requests away with a 503, which Calendly and browsers
/// retry, and waits up to `drainLimit` for those already admitted. Under `serve` the server has
/// stopped listening by then (`StopListeningFirst`), so this only guards what is still in flight.
final class RequestsInFlight: Middleware, LifecycleHandler, Sendable {
    private struct State {
        var count = 0
        var stopping = false
    }

    private let state = NIOLockedValueBox(State())
    let drainLimit: Duration

    init(drainLimit: Duration = .seconds(10)) {
        self.drainLimit = drainLimit
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let admitted = state.withLockedValue { state -> Bool in
            guard !state.stopping else { return false }
            state.count += 1
            return true
        }
        guard admitted else {
            return request.eventLoop.makeFailedFuture(AppError.unavailable("The server is stopping; try again in a moment"))
        }
        return next.respond(to: request).always { _ in
            self.state.withLockedValue { $0.count -= 1 }
        }
    }

    var count: Int { state.withLockedValue { $0.count } }

    /// Runs before Fluent's handler (handlers stop in reverse order, and this one is added later).
    func shutdownAsync(_ application: Application) async {
        state.withLockedValue { $0.stopping = true }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: drainLimit)
        while count > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if count > 0 {
            application.logger.warning("Stopping with \(count) requests still being answered")
        }
    }
}

extension Application {
    private struct RequestsInFlightKey: StorageKey { typealias Value = RequestsInFlight }

    /// Set up by `configure`; background work reads `count` to yield to requests.
    var requestsInFlight: RequestsInFlight {
        get {
            guard let counter = storage[RequestsInFlightKey.self] else { fatalError("configure(_:) sets up the request counter") }
            return counter
        }
        set { storage[RequestsInFlightKey.self] = newValue }
    }
}
