import Vapor

/// The first thing shutdown does: stop listening, close idle connections, and let the requests in
/// flight finish, while background work and the databases are still there.
///
/// Vapor stops its HTTP server last, after every shutdown handler, the databases' included. Until
/// then a stopping instance kept accepting requests only to turn them away with a 503
/// (`RequestsInFlight`). Stopping the server first means a load balancer's next connection is
/// refused, so it sends that request to another instance (even a POST, since nothing was sent),
/// and only requests already admitted are still answered here.
///
/// What remains: a kept-alive connection closed just as a load balancer sends a request on it.
/// nginx sends a GET or a webhook on to another instance, but never another POST; only taking the
/// instance out of the balancer's list before stopping it avoids that.
struct StopListeningFirst: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.server.shutdown()
    }
}
