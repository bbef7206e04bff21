@testable import App
import Foundation
import Testing
import VaporTesting

/// Drives the pages as a browser would: keeps the session cookie, reads the CSRF token from the
/// page's `<meta name="csrf-token">`, and posts url-encoded forms.
final class BrowserSession {
    let app: Application
    private(set) var cookie: String?
    private(set) var csrfToken: String?

    init(app: Application) {
        self.app = app
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await app.testing().sendRequest(.GET, path, headers: headers())
        remember(response)
        return response
    }

    @discardableResult
    func post(_ path: String, form: [String: String], includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var fields = form
        if includeCSRF, let csrfToken { fields["csrf_token"] = csrfToken }
        var headers = headers()
        headers.contentType = .urlEncodedForm
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// Signs in as the fixture owner.
    @discardableResult
    func signIn(password: String = Fixtures.ownerPassword) async throws -> TestingHTTPResponse {
        try await get("/sign-in")
        return try await post("/sign-in", form: ["email": Fixtures.ownerEmail, "password": password])
    }

    private func headers() -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: "Cookie", value: cookie) }
        return headers
    }

    private func remember(_ response: TestingHTTPResponse) {
        if let setCookie = response.headers.first(name: "Set-Cookie"), let pair = setCookie.split(separator: ";").first {
            cookie = String(pair)
        }
        let html = response.body.string
        if let match = html.firstMatch(of: /<meta name="csrf-token" content="([^"]+)">/) {
            csrfToken = String(match.1)
        }
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
