import Foundation
import Vapor

/// Calendly accepts list filters sent as a JSON object body on a GET, and third-party clients
/// (PyCalendly among them) send them that way. Merged into the query string here, once, so every
/// route, its checks and its `next_page` links see them as query parameters; a key also given
/// in the query string keeps the query's value.
struct GETBodyFiltersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET else { return try await next.respond(to: request) }
        // Routes collect their bodies only after the middleware has run; collecting here keeps
        // the bytes for them too.
        _ = try await request.body.collect(max: request.application.routes.defaultMaxBodySize.value).get()
        guard let body = try request.jsonObjectBody(), let pairs = body.objectPairs else {
            return try await next.respond(to: request)
        }
        let given = Set(QueryString.keys(request.url.query))
        var query = request.url.query ?? ""
        for (key, value) in pairs where !given.contains(key) {
            guard let text = try Self.parameter(key, value) else { continue }
            query += (query.isEmpty ? "" : "&") + QueryString.encode(key) + "=" + QueryString.encode(text)
        }
        request.url.query = query.isEmpty ? nil : query
        return try await next.respond(to: request)
    }

    /// A filter's value as it would be written in a query string; null counts as not given.
    private static func parameter(_ key: String, _ value: JSON) throws(CalendlyError) -> String? {
        switch value {
        case .null: return nil
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .array, .object: throw .invalidArgument(key, "\(key) must be a string, number or boolean")
        }
    }
}

/// The few query-string chores the filters need.
enum QueryString {
    /// Characters left as they are in a query value; `&`, `=`, `+` and `#` are encoded.
    private static let valueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#?")
        return set
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: valueAllowed) ?? ""
    }

    /// The decoded names of the parameters in a raw query string.
    static func keys(_ query: String?) -> [String] {
        (query ?? "").split(separator: "&").compactMap { pair in
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return String(name).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
    }
}
