import Vapor

/// `GET /api/search?q=&limit=` (SPEC 11). Whatever `q` holds is searched as words: no text is an
/// error, and text without words finds nothing.
struct SearchAPIController {
    func search(req: Request) async throws -> Response {
        let query = req.queryReader
        let limit = try query.int("limit", default: Search.defaultLimit, range: 1...Search.maxLimit)
        let search = try await Search.run(req.searchText, limit: limit, on: req)
        return PlainJSON.response(encoded: ByteBuffer(data: try PlainJSON.encode(SearchResponse(results: search.results))))
    }
}

extension Request {
    /// The `q` parameter as typed. A value Vapor cannot decode (a stray `%`, say) is taken as the
    /// raw text, so no query is ever refused.
    var searchText: String {
        if let decoded = queryReader.string("q") { return decoded }
        let raw = (url.query ?? "").split(separator: "&").first { $0.hasPrefix("q=") }.map { String($0.dropFirst(2)) } ?? ""
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
