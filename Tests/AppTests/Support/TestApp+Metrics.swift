import VaporTesting

extension TestApp {
    /// The value of an unlabelled series in `GET /metrics`, scraped now with the API token; nil when
    /// the scrape does not have it.
    func metric(_ name: String) async throws -> Double? {
        let text = try await app.testing().sendRequest(.GET, "/metrics", headers: bearer).body.string
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.dropFirst(name.count + 1)) }
    }
}
