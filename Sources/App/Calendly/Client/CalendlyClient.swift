import Foundation
import NIOHTTP1

/// Calendly's API v2, the calls the app makes. Paths, headers, paging, rate limits and error
/// mapping live here; `transport` moves the bytes.
struct CalendlyClient: Sendable {
    let baseURL: URL
    let token: String
    let transport: any CalendlyTransport
    /// Longest wait for a rate limit to reset before giving up with `.rateLimited`.
    var maxRateLimitWait: Int = 60
    var sleep: @Sendable (Int) async throws -> Void = CalendlyClient.liveSleep
    /// Items asked for per list page (Calendly's maximum is 100).
    var pageSize = 100
    var metrics: AppMetrics?

    static let liveSleep: @Sendable (Int) async throws -> Void = { seconds in try await Task.sleep(for: .seconds(seconds)) }

    // MARK: - Requests

    /// GETs `pathAndQuery` (a path on the configured API, or a full Calendly URL whose path is used)
    /// and decodes the answer.
    func get<Value: Decodable & Sendable>(_ pathAndQuery: String, query: [(String, String)] = [], as type: Value.Type) async throws -> Value {
        try decode(type, from: try await send(.GET, pathAndQuery, query: query, body: nil))
    }

    /// `waitOutRateLimit: false` is for calls that must not be repeated behind the owner's back
    /// (booking): a 429 is thrown at once as `.limitReached`.
    func send(_ method: HTTPMethod, _ pathAndQuery: String, query: [(String, String)] = [], body: Data?,
              waitOutRateLimit: Bool = true) async throws -> CalendlyHTTPResponse {
        let url = try resolve(pathAndQuery, query: query)
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Accept": "application/json"]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        var attempt = 0
        while true {
            let started = ContinuousClock.now
            let response: CalendlyHTTPResponse
            do {
                response = try await transport.send(CalendlyHTTPRequest(method: method, url: url, headers: headers, body: body))
            } catch {
                metrics?.calendlyRequest(method: method.rawValue, status: nil, seconds: Self.seconds(since: started))
                throw error
            }
            metrics?.calendlyRequest(method: method.rawValue, status: response.status, seconds: Self.seconds(since: started))
            if response.status == 429 {
                let reset = response.headers.first(name: "X-RateLimit-Reset").flatMap { Int($0) } ?? 60
                guard waitOutRateLimit else {
                    let detail = (try? CalendlyJSON.decoder().decode(CalendlyErrorBody.self, from: response.body))?.message ?? ""
                    throw CalendlyError.limitReached(resetAfter: reset, detail: String(detail.prefix(300)))
                }
                attempt += 1
                guard attempt <= 3, reset <= maxRateLimitWait else { throw CalendlyError.rateLimited(resetAfter: reset) }
                try await sleep(max(reset, 1))
                continue
            }
            try Self.check(response, method: method, url: apiPath(of: url))
            return response
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// `url`'s path below the configured base: the path Calendly documents (`/users/me`).
    func apiPath(of url: String) -> String {
        let path = URLComponents(string: url)?.path ?? url
        let base = baseURL.path.hasSuffix("/") ? String(baseURL.path.dropLast()) : baseURL.path
        return !base.isEmpty && path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// Builds the URL on the configured base. A full URL keeps only its path and query, so a URI
    /// from a payload or a browser can never send the token to another host.
    func resolve(_ pathAndQuery: String, query: [(String, String)]) throws -> String {
        var path = pathAndQuery
        var existingQuery: String?
        if let absolute = URLComponents(string: pathAndQuery), absolute.scheme != nil {
            path = absolute.percentEncodedPath
            existingQuery = absolute.percentEncodedQuery
        }
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw CalendlyError.unreachable("CALENDLY_API_BASE_URL is not a URL")
        }
        let basePath = components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath
        components.percentEncodedPath = basePath + (path.hasPrefix("/") ? path : "/" + path)
        var items = existingQuery.map { URLComponents(string: "?" + $0)?.queryItems ?? [] } ?? []
        items += query.map { URLQueryItem(name: $0.0, value: $0.1) }
        if !items.isEmpty {
            components.queryItems = items
            // `+` is a space to many servers; Calendly's URIs and times never mean that.
            components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        }
        guard let url = components.string else { throw CalendlyError.unreachable("could not build a URL for \(pathAndQuery)") }
        return url
    }

    static func check(_ response: CalendlyHTTPResponse, method: HTTPMethod = .GET, url: String = "") throws {
        guard !(200..<300).contains(response.status) else { return }
        let body = try? CalendlyJSON.decoder().decode(CalendlyErrorBody.self, from: response.body)
        let detail = body.map { [$0.title, $0.message].compactMap { $0 }.joined(separator: ": ") } ?? ""
        switch response.status {
        case 400:
            if let taken = body?.details?.first(where: { $0.code == "already_filled" }) {
                throw CalendlyError.timeNotOpen(String((taken.message ?? "").prefix(300)))
            }
            let fields = (body?.details ?? []).compactMap { d in d.parameter.map { "\($0): \(d.message ?? d.code ?? "invalid")" } }
            throw CalendlyError.badRequest(String(([detail] + fields).filter { !$0.isEmpty }.joined(separator: "; ").prefix(600)))
        case 401: throw CalendlyError.unauthorized
        case 403: throw forbidden(detail: detail, message: body?.message ?? "", method: method, url: url)
        case 404: throw CalendlyError.notFound(detail.isEmpty ? "such resource" : "such resource (\(detail))")
        case 409: throw CalendlyError.conflict(detail)
        case 429: throw CalendlyError.rateLimited(resetAfter: 60)
        default: throw CalendlyError.server(status: response.status)
        }
    }

    /// A 403 is a plan limit when Calendly asks for an upgrade (its one fixed sentence), else a
    /// missing scope, named by which call was refused: Calendly's wording for it is not documented.
    static func forbidden(detail: String, message: String, method: HTTPMethod, url: String) -> CalendlyError {
        if message.range(of: "upgrade", options: .caseInsensitive) != nil { return .planLimit(message) }
        if let scope = CalendlyAPIScope.required(method: method, path: url) { return .missingScope(scope) }
        return .forbidden(detail.isEmpty ? "permission denied" : detail)
    }

    func decode<Value: Decodable>(_ type: Value.Type, from response: CalendlyHTTPResponse) throws -> Value {
        do {
            return try CalendlyJSON.decoder().decode(type, from: response.body)
        } catch let error as DecodingError {
            throw CalendlyError.malformed("\(error.fieldName) \(error.plainMessage)")
        } catch {
            throw CalendlyError.malformed("not JSON")
        }
    }

    /// Every item of a list, following `next_page` to the end.
    func all<Value: Decodable & Sendable>(_ path: String, query: [(String, String)], as type: Value.Type,
                                          onPage: @Sendable (Int) -> Void = { _ in }) async throws -> [Value] {
        var items: [Value] = []
        var page = try await get(path, query: query + [("count", String(pageSize))], as: CalendlyPage<Value>.self)
        items += page.collection
        onPage(items.count)
        var seen = Set<String>()
        while let next = page.pagination?.nextPage, !next.isEmpty, seen.insert(next).inserted {
            page = try await get(next, as: CalendlyPage<Value>.self)
            items += page.collection
            onPage(items.count)
        }
        return items
    }
}
