import NIOConcurrencyHelpers
import Vapor

/// Adds the security headers to every response. The Content-Security-Policy allows scripts, styles
/// and frames only from the app itself and the Calendly widget's origin; HSTS is sent when
/// `PUBLIC_BASE_URL` is https.
/// The widget's origin is read per request: `serve --calendly-sandbox` sets it after start-up.
///
/// This and the other middlewares that never wait on anything are written with futures: an async
/// middleware costs every request a task of its own and two thread hops.
struct SecurityHeadersMiddleware: Middleware {
    /// The policy for the widget script URL it was built for: built again only when that changes.
    private let policy = NIOLockedValueBox<(widgetScriptURL: URL, value: String)?>(nil)

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: contentSecurityPolicy(for: request))
            response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
            response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
            if !request.isAPI {
                response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
            }
            // Served at an https address (behind a TLS proxy): browsers must never come back over http.
            if request.application.appConfig.publicBaseURL.scheme == "https" {
                response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
            }
            Self.dropHeadersWithControlCharacters(response, request: request)
            return response
        }
    }

    /// The last line of defence against header injection: a value with CR, LF, TAB, NUL or DEL
    /// would let whoever chose it add headers or split the response. Every value the app writes is
    /// checked where it is made; one that still gets here is a bug, so it is dropped and logged.
    private static func dropHeadersWithControlCharacters(_ response: Response, request: Request) {
        let bad = response.headers.filter { !HeaderValue.isSafe($0.value) }.map(\.name)
        for name in bad {
            response.headers.remove(name: name)
            request.logger.error("Dropped the \(name) header of a response to \(request.method) \(request.url.path): it held a control character")
        }
    }

    private func contentSecurityPolicy(for request: Request) -> String {
        let calendly = request.application.appConfig.calendly
        return policy.withLockedValue { cached in
            if let cached, cached.widgetScriptURL == calendly.widgetScriptURL { return cached.value }
            let value = Self.policy(widget: calendly.widgetOrigin, booking: calendly.bookingOrigin)
            cached = (calendly.widgetScriptURL, value)
            return value
        }
    }

    private static func policy(widget: String, booking: String) -> String {
        [
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
    }
}

enum HeaderValue {
    /// True when `value` has no control characters (C0, including TAB, and DEL).
    static func isSafe(_ value: String) -> Bool {
        !value.utf8.contains { $0 < 0x20 || $0 == 0x7F }
    }
}
