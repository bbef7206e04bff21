import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Lets a stopping instance go on answering while a load balancer takes its traffic elsewhere.
///
/// Without it, SIGTERM turns new requests away with a 503 at once (`RequestsInFlight`), and the
/// server then closes its kept-alive connections, one of which a load balancer may be sending a
/// request on at that very moment. With it, once shutdown begins, the instance goes on answering
/// for up to `window`, asks the other end to close each connection after its answer
/// (`Connection: close`), and closes none itself. A connection left idle since an earlier answer is
/// closed by the balancer when its own keep-alive time-out passes (nginx: `keepalive_timeout` in the
/// `upstream` block), which `window` must exceed. When every such connection has had that long, the
/// server stops listening: new connections are refused, so nginx sends their requests to another
/// instance (a POST too, since nothing was sent), and the requests in flight finish.
///
/// What remains: a connection nginx opens at the very moment the server stops listening is closed
/// or reset, and nginx answers a POST sent on it with a 502 (it never sends a POST twice). Only
/// taking the instance out of the balancer's list before stopping it avoids that.
///
/// Vapor adds its own `Connection: keep-alive` after ours, so such an answer carries both; a client
/// that finds "close" in either (nginx, NIO, Go, browsers) closes the connection.
///
/// Set by `SHUTDOWN_DRAIN_SECONDS`; with 0 (the default) it is not installed at all. `serve` adds it
/// as the last shutdown handler, so it runs first, while background work and the databases are
/// still there.
final class ConnectionDrain: Middleware, LifecycleHandler, Sendable {
    private struct State {
        var closing = false
        /// When the last answer that left its connection open was given.
        var lastKeptOpen: NIODeadline?
    }

    private let state = NIOLockedValueBox(State())
    let window: TimeAmount

    init(window: TimeAmount) {
        self.window = window
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // An error that escapes every middleware gets no answer: Vapor closes its connection.
        next.respond(to: request).map { response in
            // HTTP/2 has no Connection header, and closes its streams itself.
            if request.version.major == 1, self.answerCloses() {
                response.headers.replaceOrAdd(name: .connection, value: "close")
            }
            return response
        }
    }

    /// Whether this answer asks for its connection to be closed; if not, when it was given.
    private func answerCloses() -> Bool {
        state.withLockedValue { state in
            if !state.closing { state.lastKeptOpen = .now() }
            return state.closing
        }
    }

    /// Runs first at shutdown (handlers stop in reverse order, and `serve` adds this one last).
    func shutdownAsync(_ application: Application) async {
        let lastKeptOpen = state.withLockedValue { state in
            state.closing = true
            return state.lastKeptOpen
        }
        if let lastKeptOpen {
            let wait = lastKeptOpen + window - .now()
            if wait > .zero {
                application.logger.notice("Stopping: answering for \(Self.seconds(wait)) s more, closing each connection after its answer, so the load balancer lets go of them first")
                try? await Task.sleep(nanoseconds: UInt64(wait.nanoseconds))
            }
        }
        // Stop listening, and close each connection once its request in flight is answered.
        await application.server.shutdown()
    }

    private static func seconds(_ amount: TimeAmount) -> String {
        String(format: "%.1f", Double(amount.nanoseconds) / 1_000_000_000)
    }
}

extension Application {
    private struct ConnectionDrainKey: StorageKey { typealias Value = ConnectionDrain }

    /// Set by `configure` when `SHUTDOWN_DRAIN_SECONDS` is above 0.
    var connectionDrain: ConnectionDrain? {
        get { storage[ConnectionDrainKey.self] }
        set { storage[ConnectionDrainKey.self] = newValue }
    }
}
