import Testing
import VaporTesting

extension TestApp {
    /// The ids `GET /api/search` finds for `query` (at most 100), searched afresh (`Cache-Control:
    /// no-cache`) rather than answered from a kept answer.
    func freshSearchIDs(_ query: String) async throws -> [String] {
        var headers = bearer
        headers.add(name: .cacheControl, value: "no-cache")
        let response = try await app.testing().sendRequest(.GET, "/api/search?q=\(query)&limit=100", headers: headers)
        #expect(response.status == .ok)
        return (try response.json()["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}
