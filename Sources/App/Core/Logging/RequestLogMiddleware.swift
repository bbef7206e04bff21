import Vapor

/// Logs each request's method and path, with the one-time setup link's token left out: it is a
/// password until it is used. (Control characters are escaped by `SafeLogHandler`.)
struct RequestLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.logger.info("\(request.method) \(Self.loggable(request.url.path))")
        return next.respond(to: request)
    }

    static func loggable(_ path: String) -> String {
        let decoded = path.removingPercentEncoding ?? path
        return decoded.hasPrefix("/setup/") ? "/setup/…" : decoded
    }
}
