import Vapor

/// `/search?q=`: the results of the header's search box, with the matched words marked.
struct SearchPageController {
    func show(req: Request) async throws -> View {
        let text = req.queryReader.searchText
        let search = try await Search.run(text, limit: Search.maxLimit, on: req)
        let time = req.timeDisplay
        let context = SearchPageContext(
            page: PageChrome(request: req, title: text.isEmpty ? "Search" : "Search: \(text.prefix(80))", section: "search"),
            query: text, searched: !search.words.isEmpty, indexing: search.indexing,
            results: zip(search.results, search.details).map { SearchResultItem($0, $1, words: search.words, time: time) })
        return try await req.view.render("search", context)
    }
}
