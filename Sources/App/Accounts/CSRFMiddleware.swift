import Crypto
import Foundation
import Vapor

/// Refuses state-changing requests that do not carry the right CSRF token: in the `csrf_token` form
/// field for pages, in the `X-CSRF-Token` header for cookie-authenticated API calls. Requests
/// authenticated by API token carry no cookie and need none.
///
/// Signed in, the token lives in the session. Before sign-in it lives in a cookie of its own and the
/// form must echo it (double submit), so showing the sign-in page stores nothing.
///
/// The form's token is read from the body, so a `BodyCollector` must run first: it waits for the
/// whole body, which on a real network arrives in pieces. (With futures: see `SecurityHeadersMiddleware`.)
struct CSRFMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method), !request.auth.has(BearerSession.self) else {
            return respondSettingCookie(request, next)
        }
        let sent = request.headers.first(name: "X-CSRF-Token") ?? (try? request.content.get(String.self, at: "csrf_token"))
        guard let expected = request.expectedCSRFToken, let sent, CSRFToken.constantTimeEqual(sent, expected) else {
            return refuse(request)
        }
        return respondSettingCookie(request, next)
    }

    private func respondSettingCookie(_ request: Request, _ next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            if let token = request.storage[CSRFToken.NewCookieKey.self] {
                response.cookies[CSRFToken.cookieName] = CSRFToken.cookie(token, secure: request.application.appConfig.usesHTTPS)
            }
            return response
        }
    }

    /// A signed-in owner whose page form was refused (a session changed in another tab, say) gets
    /// their text back in a form they can send again, rather than an error page that loses it.
    private func refuse(_ request: Request) -> EventLoopFuture<Response> {
        let refusal = AppError.forbidden("The form or request is missing its CSRF token; reload the page and try again")
        guard !request.isAPI, request.auth.has(Account.self), let fields = FormResubmission.fields(of: request) else {
            return request.eventLoop.makeFailedFuture(refusal)
        }
        return request.eventLoop.makeFutureWithTask {
            try await FormResubmission.render(fields, for: request, status: refusal.status)
        }
    }
}

enum CSRFToken {
    static let sessionKey = "csrf"
    static let cookieName = "crm_csrf"

    struct NewCookieKey: StorageKey { typealias Value = String }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func cookie(_ token: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, expires: nil, maxAge: 60 * 60 * 24, domain: nil, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    /// What `RandomToken.make()` produces: 43 URL-safe base64 characters. Anything else in the cookie is ignored.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
}

extension Request {
    /// The CSRF token for this request's forms: the session's once signed in (created on first use),
    /// else the pre-sign-in cookie's (set on the response when new).
    var csrfToken: String {
        if auth.has(Account.self) {
            if let token = session.data[CSRFToken.sessionKey] { return token }
            let token = RandomToken.make()
            session.data[CSRFToken.sessionKey] = token
            return token
        }
        if let token = anonymousCSRFToken { return token }
        let token = RandomToken.make()
        storage[CSRFToken.NewCookieKey.self] = token
        return token
    }

    /// The token a state-changing request must carry, if it can carry one at all.
    fileprivate var expectedCSRFToken: String? {
        auth.has(Account.self) ? session.data[CSRFToken.sessionKey] : anonymousCSRFToken
    }

    private var anonymousCSRFToken: String? {
        if let token = storage[CSRFToken.NewCookieKey.self] { return token }
        guard let token = cookies[CSRFToken.cookieName]?.string, CSRFToken.isWellFormed(token) else { return nil }
        return token
    }
}
