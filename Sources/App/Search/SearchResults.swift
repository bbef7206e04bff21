import Fluent
import Foundation
import SQLKit
import Vapor

/// One result of `GET /api/search` (SPEC 11).
struct SearchResult: Content, Equatable, Sendable {
    let kind: SearchKind
    let id: UUID
    let studentID: UUID
    let title: String
    let snippet: String
    let date: Date

    enum CodingKeys: String, CodingKey {
        case kind, id, studentID = "student_id", title, snippet, date
    }
}

struct SearchResponse: Content, Sendable {
    let results: [SearchResult]
    /// Present (true) while changes wait to be indexed, after more were made at once than a search
    /// indexes before answering: the results may miss them for a few seconds.
    var indexing: Bool?
}

/// A search: the words of the query, and what matched them, best first.
struct Search: Sendable {
    static let defaultLimit = 20
    static let maxLimit = 100

    /// A search indexes at most this many records before answering (about a second's work); a
    /// bigger backlog, such as after a large import, is left to `serve`'s background indexing.
    static let maxIndexedFirst = 2_000

    let words: [String]
    let results: [SearchResult]
    /// Whether changes still wait to be indexed (see `maxIndexedFirst`).
    var indexing = false
    /// Per result (same order): whether its student is archived, and the meeting it belongs to.
    let details: [SearchDisplay]

    /// Runs `query`: anything typed is searched as words; what has no words finds nothing.
    /// Whatever is waiting to be indexed is indexed first, so what was saved is found.
    static func run(_ query: String, limit: Int, on request: Request) async throws -> Search {
        let words = SearchText.queryWords(query)
        guard !words.isEmpty else { return Search(words: [], found: []) }
        let app = request.application, database = request.db
        let sql = try database.sql()
        let version = try await request.dataVersion()
        var indexing = false
        if !app.searchMemory.isIndexed(through: version) {
            if try await SearchIndex.hasPending(on: sql) {
                do {
                    indexing = try await !SearchIndex.drain(on: database, writer: app.databaseWriter, memory: app.searchMemory,
                                                            maxBatches: maxIndexedFirst / SearchIndex.batchSize)
                } catch {
                    // Indexing that fails (the database busy or away) does not fail the search: it
                    // answers from the index as it is, says so, and the background indexing retries.
                    request.logger.warning("Search indexing will be tried again: \(String(reflecting: error))")
                    indexing = true
                }
            }
            if !indexing { app.searchMemory.markIndexed(through: version) }
        }
        let found = try await SearchIndex.findSources(words, limit: limit, on: database, reader: app.sqliteReader,
                                                      memory: app.searchMemory)
        return Search(words: words, found: found, indexing: indexing)
    }

    /// The search of `words` that found `found`, each with its snippet.
    init(words: [String], found: [SearchSource], indexing: Bool = false) {
        self.words = words
        self.results = found.map { source in
            SearchResult(kind: source.kind, id: source.id, studentID: source.studentID,
                         title: source.display.title,
                         snippet: source.display.snippet(for: words), date: source.date)
        }
        self.indexing = indexing
        self.details = found.map(\.display)
    }
}
