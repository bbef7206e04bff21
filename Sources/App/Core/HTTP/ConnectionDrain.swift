import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Lets a load balancer stop using an instance's connections before the instance closes them.
///
/// When a stopping server closes a kept-alive connection, a load balancer may be sending a request
/// on it at that very moment; nginx never sends a POST twice, so its client gets a 502. Instead, once
/// shutdown begins, the instance goes on answering for up to `window`, asks the other end to close
/// each connection after its answer (`Connection: close`), and closes none itself. A connection
/// left idle since an earlier answer is closed by the balancer when its own keep-alive time-out
/// passes (nginx: `keepalive_timeout` in the `upstream` block), which `window` must exceed. When
/// every such connection has had that long, the server stops listening: new connections are
/// refused, so nginx sends their requests to another instance (a POST too, since nothing was sent),
/// and the requests in flight finish.
///
/// Set by `SHUTDOWN_DRAIN_SECONDS`; with 0 (the default) it is not installed at all.
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
        next.respond(to: request).map { response in
            if self.answerCloses() {
                response.headers.replaceOrAdd(name: .connection, value: "close")
            }
            return response
        }.flatMapErrorThrowing { error in
            // Vapor answers an error that escaped every middleware on a connection it keeps open.
            _ = self.answerCloses()
            throw error
        }
    }

    /// Whether this answer asks for its connection to be closed; if not, when it was given.
    private func answerCloses() -> Bool {
        state.withLockedValue { state in
            if !state.closing { state.lastKeptOpen = .now() }
            return state.closing
        }
    }

    /// The first shutdown handler to run (it is added after `RequestsInFlight`, and handlers stop in
    /// reverse order), so the databases are still open while it waits.
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
