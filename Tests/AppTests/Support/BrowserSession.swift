@testable import App
import Foundation
import Testing
import VaporTesting

/// Drives the pages as a browser would: keeps its cookies, reads the CSRF token from the
/// page's `<meta name="csrf-token">`, and posts url-encoded forms.
final class BrowserSession {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    private(set) var csrfToken: String?
    /// Sent as `User-Agent` with every request, when set.
    let userAgent: String?
    var cookie: String? { cookies["crm_session"].map { "crm_session=\($0)" } }

    init(app: Application, userAgent: String? = nil) {
        self.app = app
        self.userAgent = userAgent
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await app.testing().sendRequest(.GET, path, headers: headers())
        remember(response)
        return response
    }

    @discardableResult
    /// `running` sends it over a real socket, where body limits apply as in production.
    func post(_ path: String, form: [String: String], includeCSRF: Bool = true, running: Bool = false,
              headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var fields = form
        if includeCSRF, let csrfToken { fields["csrf_token"] = csrfToken }
        var headers = headers()
        headers.contentType = .urlEncodedForm
        headers.add(contentsOf: extra)
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        let response = try await app.testing(method: running ? .running(port: 0) : .inMemory).sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
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
        if let userAgent { headers.add(name: .userAgent, value: userAgent) }
        if !cookies.isEmpty {
            headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        return headers
    }

    private func remember(_ response: TestingHTTPResponse) {
        for setCookie in response.headers[.setCookie] {
            guard let pair = setCookie.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || setCookie.contains("Max-Age=0") || setCookie.contains("1970") { cookies[name] = nil } else { cookies[name] = value }
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
