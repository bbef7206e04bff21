import Vapor

/// `GET /api/search?q=&limit=` (SPEC 11). Whatever `q` holds is searched as words: no text is an
/// error, and text without words finds nothing.
///
/// An answer is kept under the data version, as the other hot reads are (`ReadCaches`): the same
/// search again while nothing changed (a reload, the back button, a client polling) is answered
/// from memory. Any write to students, consultations or follow-ups moves the version, so a kept
/// answer is never older than the data. A request with `Cache-Control: no-cache` (a browser's
/// forced reload sends it) is searched afresh, and its answer replaces the kept one.
struct SearchAPIController {
    struct CacheKey: Hashable, Sendable {
        var words: [String]
        var limit: Int
    }

    func search(req: Request) throws -> EventLoopFuture<Response> {
        // One reader: it decodes the query string once for both parameters.
        let query = req.queryReader
        let limit = try query.int("limit", default: Search.defaultLimit, range: 1...Search.maxLimit)
        let text = query.searchText
        let key = CacheKey(words: SearchText.queryWords(text), limit: limit)
        let cache = req.application.readCaches.searches
        let afresh = req.headers.cacheControl?.noCache == true
        let memory = req.application.searchMemory
        return req.cachedJSON(key, in: cache, afresh: afresh, building: { version in
            // Nearly always: nothing waits to be indexed, and on SQLite the whole search is one
            // job on its thread pool (`SQLiteReader`), with no task and no trip through Fluent; on
            // PostgreSQL it is one statement.
            if key.words.isEmpty {
                // Text without words finds nothing, and asks nothing of the database.
                return req.eventLoop.makeSucceededFuture(SearchResponse(results: []).json)
            }
            if memory.isIndexed(through: version) {
                // The answer to what was found, kept under the version it was read at.
                let answer: @Sendable ([SearchSource]) -> ByteBuffer = { found in
                    let body = SearchResponse(results: Search(words: key.words, found: found).results).json
                    cache.store(body, for: key, version: version)
                    return body
                }
                if let reader = req.application.sqliteReader {
                    return reader.read(on: req.eventLoop) { connection in
                        answer(try SQLiteSearchIndex.findSources(key.words, limit: limit, on: connection, memory: memory))
                    }
                }
                // PostgreSQL: one statement, on the request's event loop (`PostgresSearchIndex.findSources`).
                return PostgresSearchIndex.findSources(key.words, limit: limit, on: req.db).map(answer)
            }
            return req.eventLoop.makeFutureWithTask {
                let search = try await Search.run(text, limit: limit, on: req)
                let body = SearchResponse(results: search.results, indexing: search.indexing ? true : nil).json
                // Answers from a half-built index are not kept: the next search looks again.
                if !search.indexing { cache.store(body, for: key, version: version) }
                return body
            }
        })
    }
}

extension QueryReader {
    /// The `q` parameter as typed. A value Vapor cannot decode (a stray `%`, say) is taken as the
    /// raw text, so no query is ever refused.
    var searchText: String {
        if let decoded = string("q") { return decoded }
        let raw = (request.url.query ?? "").split(separator: "&").first { $0.hasPrefix("q=") }.map { String($0.dropFirst(2)) } ?? ""
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
