import Vapor

/// Adds the security headers to every response. The Content-Security-Policy allows scripts, styles
/// and frames only from the app itself and the Calendly widget's origin.
/// The widget's origin is read per request: `serve --calendly-sandbox` sets it after start-up.
///
/// This and the other middlewares that never wait on anything are written with futures: an async
/// middleware costs every request a task of its own and two thread hops.
struct SecurityHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            Self.addHeaders(to: response, for: request)
            return response
        }
    }

    private static func addHeaders(to response: Response, for request: Request) {
        let calendly = request.application.appConfig.calendly
        let widget = calendly.widgetOrigin
        let booking = calendly.bookingOrigin
        let policy = [
            "default-src 'self'",
            "script-src 'self' \(widget)",
            "style-src 'self' \(widget)",
            "img-src 'self' data: \(widget) \(booking)",
            "frame-src \(booking)",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: policy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if !request.isAPI {
            response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        }
    }
}
