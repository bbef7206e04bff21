import Crypto
import Foundation
import Vapor

/// Refuses state-changing requests that do not carry the session's CSRF token: in the
/// `csrf_token` form field for pages, in the `X-CSRF-Token` header for cookie-authenticated API calls.
/// Requests authenticated by API token carry no cookie and need none.
/// (With futures: see `SecurityHeadersMiddleware`.)
struct CSRFMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method), !request.auth.has(BearerSession.self) else {
            return next.respond(to: request)
        }
        let sent = request.headers.first(name: "X-CSRF-Token") ?? (try? request.content.get(String.self, at: "csrf_token"))
        guard let expected = request.session.data[CSRFToken.sessionKey], let sent,
              CSRFToken.constantTimeEqual(sent, expected) else {
            return request.eventLoop.makeFailedFuture(
                AppError.forbidden("The form or request is missing its CSRF token; reload the page and try again"))
        }
        return next.respond(to: request)
    }
}

enum CSRFToken {
    static let sessionKey = "csrf"

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    /// The session's CSRF token, created on first use.
    var csrfToken: String {
        if let token = session.data[CSRFToken.sessionKey] { return token }
        let token = RandomToken.make()
        session.data[CSRFToken.sessionKey] = token
        return token
    }
}

enum RandomToken {
    /// 32 random bytes from the system's secure generator, URL-safe base64.
    static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
