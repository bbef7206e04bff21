@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// `GET /api/search` over every kind of record, on SQLite and (in `make test-postgres`) PostgreSQL.
/// The expected results are worked out from the records' text by `SearchCorpus.expected`, a plain
/// implementation of SPEC 11's rule that shares nothing with either database's index, so both
/// databases are held to the same sets.
@Suite("Search API")
struct SearchAPITests {
    private func search(_ t: TestApp, _ query: String, limit: Int? = nil) async throws -> [[String: Any]] {
        var components = URLComponents()
        components.path = "/api/search"
        components.queryItems = [URLQueryItem(name: "q", value: query)] + (limit.map { [URLQueryItem(name: "limit", value: "\($0)")] } ?? [])
        let path = components.percentEncodedQuery.map { "/api/search?\($0.replacingOccurrences(of: "+", with: "%2B"))" } ?? "/api/search"
        let response = try await t.app.testing().sendRequest(.GET, path, headers: t.bearer)
        #expect(response.status == .ok, "\(query): \(response.body.string)")
        return try response.json()["results"] as? [[String: Any]] ?? []
    }

    private func titles(_ results: [[String: Any]]) -> [String] {
        results.compactMap { $0["title"] as? String }
    }

    @Test func findsEveryKindByPrefixWithoutRegardToCaseOrAccents() async throws {
        try await withTestApp { t in
            // given
            let corpus = try await SearchCorpus.make(on: t.app)
            // The oracle itself, on a few queries worked out by hand: José's student record, his
            // meeting and his follow-up (both carry his name); María's three for "thes".
            #expect(corpus.expected("jose").count == 3)
            #expect(corpus.expected("thes") == corpus.expected("THÉS"))
            #expect(corpus.expected("thes").count == 3)
            #expect(corpus.expected("nothingmatchesthis").isEmpty)
            // when / then: every query finds exactly what the oracle says, on this database.
            for query in SearchCorpus.queries {
                let results = try await search(t, query, limit: 100)
                let found = Set(results.compactMap { result -> String? in
                    guard let kind = result["kind"] as? String, let id = result["id"] as? String else { return nil }
                    return "\(kind):\(id.lowercased())"
                })
                #expect(found == corpus.expected(query), "\(query)")
            }
        }
    }

    @Test func namesComeFirstThenNewestFirst() async throws {
        try await withTestApp { t in
            // given: Maria the student; two meetings of hers about her thesis, an older and a newer one;
            // and a meeting with "thesis" in its topic, the oldest of all.
            let maria = try await Fixtures.student("María Thesis-Writer", email: "maria@example.com", on: t.app)
            let other = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            let old = try await SearchCorpus.consultation(for: maria, daysAgo: 30, topic: "Planning", notes: "We outlined the thesis.", on: t.app)
            let new = try await SearchCorpus.consultation(for: maria, daysAgo: 2, topic: "Drafting", notes: "Thesis chapter two is late.", on: t.app)
            let topic = try await SearchCorpus.consultation(for: other, daysAgo: 400, topic: "Thesis defence", notes: "", on: t.app)
            // when
            let results = try await search(t, "thes")
            // then: the two with "thes" in a name (the student, the topic), newest first, then the notes, newest first.
            let ids = results.compactMap { $0["id"] as? String }.map { $0.lowercased() }
            #expect(ids == [maria.id, topic.id, new.id, old.id].map { $0!.uuidString.lowercased() })
            #expect(results.first?["kind"] as? String == "student")
            #expect(results.first?["student_id"] as? String == maria.id?.uuidString)
            #expect(results[2]["snippet"] as? String == "Thesis chapter two is late.")
            #expect(results[2]["title"] as? String == "Drafting · María Thesis-Writer")
            #expect((results[2]["date"] as? String)?.hasSuffix("Z") == true)
        }
    }

    /// A limit that cuts through the matches keeps the newest; one above them gives them all, in the
    /// same order. (On PostgreSQL the first is answered from the newest records, the second by the
    /// GIN index alone.)
    @Test func aLimitKeepsTheNewestMatchesAndAHigherOneGivesAllInTheSameOrder() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            var made: [UUID] = []
            for days in [40.0, 3, 25, 9, 31, 1, 17, 12] {
                let meeting = try await SearchCorpus.consultation(for: student, daysAgo: days, topic: "Weekly",
                                                                  notes: "Reviewed the thesis outline.", on: t.app)
                made.append(try #require(meeting.id))
            }
            let newestFirst = zip([40.0, 3, 25, 9, 31, 1, 17, 12], made).sorted { $0.0 < $1.0 }.map(\.1.uuidString)
            let three = try await search(t, "outl", limit: 3).compactMap { $0["id"] as? String }
            #expect(three == Array(newestFirst.prefix(3)))
            let all = try await search(t, "outl", limit: 100).compactMap { $0["id"] as? String }
            #expect(all == newestFirst)
        }
    }

    @Test func everyWayTheNewestMatchesAreFoundGivesTheSameNewestFirst() async throws {
        try await withTestApp { t in
            // given: more meetings than PostgreSQL's windows of newest records (100, then 1,000),
            // one an hour back from now, with words as common, as sparse and as rare as a mentor's,
            // and one word only in meetings older than the newest 500.
            let student = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            var notes: [(id: String, text: String)] = []
            for hour in 0..<1_150 {
                var words = ["weekly"]
                if hour % 30 == 7 { words.append("sparse") }
                if [3, 250, 640, 900, 1_149].contains(hour) { words.append("rarest") }
                if hour >= 500 { words.append("archival") }
                let text = words.joined(separator: " ")
                let meeting = try await SearchCorpus.consultation(for: student, daysAgo: (Double(hour) + 0.5) / 24, topic: "Check-in",
                                                                  notes: text, on: t.app)
                notes.append((try #require(meeting.id).uuidString, text))
            }
            // when / then: each finds exactly the newest of its matches, newest first, at either limit
            for word in ["weekly", "sparse", "rarest", "archival"] {
                let newestFirst = notes.filter { $0.text.contains(word) }.map(\.id)
                for limit in [20, 100] {
                    let found = try await search(t, word, limit: limit).compactMap { $0["id"] as? String }
                    #expect(found == Array(newestFirst.prefix(limit)), "\(word), limit \(limit)")
                }
            }
        }
    }

    @Test func eachKindsNewestMatchesMergeIntoOneNewestFirst() async throws {
        try await withTestApp { t in
            // given: students and meetings taking turns by the hour, a word in every second student's
            // notes and every third meeting's, more of each than PostgreSQL's first window
            let now = Date()
            let owner = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            var matches: [(date: Date, id: String)] = []
            var students: [StudentRow] = []
            for hour in 0..<150 {
                let created = now.addingTimeInterval(-(Double(hour) + 0.5) * 3_600)
                let id = UUID()
                students.append(StudentRow(id: id, name: "Pupil \(hour)", email: "pupil\(hour)@example.com",
                                           notes: hour % 2 == 0 ? "orbit review" : "other notes", source: .manual,
                                           createdAt: created, updatedAt: created))
                if hour % 2 == 0 { matches.append((created, id.uuidString)) }
                let meeting = try await SearchCorpus.consultation(for: owner, daysAgo: (Double(hour) + 0.25) / 24, topic: "Check-in",
                                                                  notes: hour % 3 == 0 ? "orbit plan" : "weekly", on: t.app)
                if hour % 3 == 0 { matches.append((meeting.consultationDate, try #require(meeting.id).uuidString)) }
            }
            try await StudentRow.insert(students, on: try t.app.db.sql())
            let newestFirst = matches.sorted { $0.date > $1.date }.map(\.id)
            // when / then: every limit gives the newest matches of both kinds, newest first
            for limit in [20, 40, 100] {
                let found = try await search(t, "orbit", limit: limit).compactMap { $0["id"] as? String }
                #expect(found == Array(newestFirst.prefix(limit)), "limit \(limit)")
            }
        }
    }

    @Test func namesMatchedFurtherBackComeBeforeNewerMatchesInText() async throws {
        try await withTestApp { t in
            // given: 150 meetings an hour apart, every one with the word in its notes and every
            // fifth in its topic too. (On PostgreSQL the meetings' first window stops at 40 matches
            // in text, 8 of them in names, so the names are looked for on from there; at limit 20
            // the names fill the answer and nothing else is looked for.)
            let student = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            var named: [String] = [], others: [String] = []
            for hour in 0..<150 {
                let topic = hour % 5 == 3 ? "Orbit review" : "Check-in"
                let meeting = try await SearchCorpus.consultation(for: student, daysAgo: (Double(hour) + 0.5) / 24, topic: topic,
                                                                  notes: "orbit notes", on: t.app)
                let id = try #require(meeting.id).uuidString
                if hour % 5 == 3 { named.append(id) } else { others.append(id) }
            }
            // when / then: the newest names' matches first, then the newest of the rest
            for limit in [20, 40, 100] {
                let found = try await search(t, "orbit", limit: limit).compactMap { $0["id"] as? String }
                #expect(found == Array((named + others).prefix(limit)), "limit \(limit)")
            }
        }
    }

    @Test func aMatchDatedAsTheLastOneKeptInAnotherKindIsKeptAtTheTie() async throws {
        try await withTestApp { t in
            // given: the 20 newest students match, an hour apart, and one meeting matches, dated
            // exactly as the 20th of them and saved after them. (On PostgreSQL the students' first
            // window holds the limit, and meetings, too few there, are asked of their GIN index down
            // to the 20th student's date.)
            let hour = (Date().timeIntervalSince1970 / 3_600).rounded(.down) * 3_600
            let owner = try await Fixtures.student("Ben Okafor", email: "ben@example.com", on: t.app)
            let students = (0..<20).map { index in
                let created = Date(timeIntervalSince1970: hour - Double(index) * 3_600)
                return StudentRow(id: UUID(), name: "Pupil \(index)", email: "pupil\(index)@example.com", notes: "quasar review",
                                  source: .manual, createdAt: created, updatedAt: created)
            }
            try await StudentRow.insert(students, on: try t.app.db.sql())
            let meeting = Consultation(studentID: try owner.requireID(), type: "Mentoring", consultationDate: students[19].createdAt,
                                       duration: 30, topic: "Check-in", notes: "quasar plan", status: .completed)
            try await meeting.create(on: t.app.db)
            let newest = students.map(\.id.uuidString), meetingID = try meeting.requireID().uuidString

            // when / then: at the limit the tie goes to the meeting (its kind sorts first on
            // PostgreSQL; on SQLite it was indexed last); one more takes both
            let twenty = try await search(t, "quasar", limit: 20).compactMap { $0["id"] as? String }
            #expect(twenty == Array(newest.prefix(19)) + [meetingID])
            let all = try await search(t, "quasar", limit: 21).compactMap { $0["id"] as? String }
            #expect(all == Array(newest.prefix(19)) + [meetingID, newest[19]])
        }
    }

    @Test func aRecordDeletedSinceItWasIndexedIsLeftOut() async throws {
        try await withTestApp { t in
            // given: two meetings indexed, then one deleted before the index has taken that in
            let student = try await Fixtures.student("Ines Duarte", email: "ines@example.com", on: t.app)
            let kept = try await SearchCorpus.consultation(for: student, daysAgo: 1, topic: "Portfolio", notes: "portfolio review", on: t.app)
            let gone = try await SearchCorpus.consultation(for: student, daysAgo: 2, topic: "Portfolio", notes: "portfolio draft", on: t.app)
            try await SearchIndex.drain(on: t.app.db, writer: t.app.databaseWriter, memory: t.app.searchMemory)
            try await gone.delete(on: t.app.db)
            #expect(try await SearchIndex.hasPending(on: t.app.db.sql()))

            // when: the index is read as it is
            let found = try await SearchIndex.findSources(["portfolio"], limit: 20, on: t.app.db, reader: t.app.sqliteReader, memory: t.app.searchMemory)

            // then: the deleted meeting is not among the results; the other is, with its text
            #expect(found.map(\.id) == [try kept.requireID()])
            #expect(found.first?.display.title == "Portfolio · Ines Duarte")
        }
    }

    @Test func whatIsSavedIsFoundAtOnceAndWhatIsGoneIsNot() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student("Ada Lovelace", email: "ada@example.com", notes: "Wants a scholarship", on: t.app)
            let consultation = try await SearchCorpus.consultation(for: student, daysAgo: 1, topic: "Funding", notes: "Scholarship deadline", on: t.app)
            #expect(try await search(t, "scholarship").count == 2)
            // when: notes change through the API, the student is renamed, a follow-up is added
            let id = try student.requireID()
            let patched = try await t.app.testing().sendRequest(.PATCH, "/api/students/\(id)", headers: t.bearer,
                                                                 body: try jsonBody(["notes": "Wants a bursary", "name": "Ada King"]))
            #expect(patched.status == .ok)
            let added = try await t.app.testing().sendRequest(.POST, "/api/follow-ups", headers: t.bearer,
                                                               body: try jsonBody(["consultation_id": try consultation.requireID().uuidString, "text": "Email the bursary office"]))
            #expect(added.status == .created)
            // then
            #expect(try await search(t, "scholarship").map { $0["kind"] as? String } == ["consultation"])
            #expect(Set(try await search(t, "bursary").compactMap { $0["kind"] as? String }) == ["student", "follow_up"])
            #expect(try await search(t, "lovelace").isEmpty)
            #expect(try await search(t, "king funding").map { $0["kind"] as? String } == ["consultation"])
            // when: the student is erased, with their meetings and follow-ups
            let purged = try await t.app.testing().sendRequest(.DELETE, "/api/students/\(id)?purge=true", headers: t.bearer)
            #expect(purged.status.code < 300, "\(purged.body.string)")
            // then
            #expect(try await search(t, "bursary").isEmpty)
            #expect(try await search(t, "scholarship").isEmpty)
        }
    }

    @Test func aKeptAnswerServesTheSameSearchUntilTheClientAsksForAFreshOne() async throws {
        try await withTestApp { t in
            // given: a search answered, so its answer is kept; then a different answer put in its place
            _ = try await Fixtures.student("Ada Lovelace", email: "ada@example.com", on: t.app)
            #expect(try await search(t, "lovelace").count == 1)
            let version = try await DataVersion.future(on: t.app.db).get()
            let key = SearchAPIController.CacheKey(words: ["lovelace"], limit: Search.defaultLimit)
            t.app.readCaches.searches.store(ByteBuffer(string: #"{"results":[]}"#), for: key, version: version)
            // when / then: the same search is answered from what is kept
            #expect(try await search(t, "lovelace").isEmpty)
            // when: the client asks for a fresh answer (a forced reload)
            var headers = t.bearer
            headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
            let fresh = try await t.app.testing().sendRequest(.GET, "/api/search?q=lovelace", headers: headers)
            // then: the search runs again, and its answer replaces the kept one
            #expect(fresh.status == .ok)
            #expect((try fresh.json()["results"] as? [[String: Any]])?.count == 1)
            #expect(try await search(t, "lovelace").count == 1)
        }
    }

    @Test func anyTextIsSearchedAsWordsAndNeverRefused() async throws {
        try await withTestApp { t in
            // given
            _ = try await SearchCorpus.make(on: t.app)
            let typed = ["\"", "\"thesis", "*", "thes*", "-", "-thesis", "NEAR(", "NEAR(thesis essay)", "AND", "thesis AND essay",
                         "OR", "NOT", "(", ")", "((thesis", "thesis)", "{title}:", "title:thesis", "^thesis", "🎓", "🎓 thesis",
                         "'; DROP TABLE students; --", "%", "\\", "\u{0000}", String(repeating: "a", count: 1_000),
                         String(repeating: "thesis ", count: 150), String(repeating: "é", count: 1_000), "", "   ", "::"]
            for query in typed {
                // when
                let results = try await search(t, query)
                // then: words are matched as words; nothing else.
                let words = SearchText.queryWords(query)
                if words.isEmpty { #expect(results.isEmpty, "\(query)") }
            }
            #expect(try await search(t, "thesis AND essay").count == (try await search(t, "thesis essay")).count)
            #expect(try await search(t, "\"thesis").count == (try await search(t, "thesis")).count)
        }
    }

    @Test func aStrayPercentIsTakenAsText() async throws {
        try await withTestApp { t in
            _ = try await SearchCorpus.make(on: t.app)
            let response = try await t.app.testing().sendRequest(.GET, "/api/search?q=%zz%20thes", headers: t.bearer)
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: ["0", "101", "ten", "-1", ""])
    func aLimitOutOfRangeIsA400NamingIt(_ limit: String) async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/search?q=thesis&limit=\(limit)", headers: t.bearer)
            #expect(response.status == .badRequest)
            #expect(response.body.string.contains("limit"))
        }
    }

    @Test func theMigrationIndexesWhatIsAlreadyThere() async throws {
        try await withTestApp { t in
            // given: records written, then the index dropped, as in a database from before search
            let corpus = try await SearchCorpus.make(on: t.app)
            try await CreateSearchIndex().revert(on: t.app.db)
            // when
            try await CreateSearchIndex().prepare(on: t.app.db)
            // then
            let found = try await search(t, "scholar", limit: 100)
            #expect(Set(found.compactMap { ($0["id"] as? String)?.lowercased() }).count == corpus.expected("scholar").count)
            #expect(!found.isEmpty)
        }
    }

    @Test func theTermsMigrationTakesInTheWordsOfAnIndexAlreadyBuilt() async throws {
        try await withTestApp { t in
            // given: an index built before PostgreSQL kept its indexed words (SQLite always has)
            let corpus = try await SearchCorpus.make(on: t.app)
            _ = try await search(t, "scholar")
            try await AddPostgresSearchFunctions().revert(on: t.app.db)
            let sql = try t.app.db.sql()
            let postgres = sql.dialect.name == "postgresql"
            if postgres { try await sql.raw("DROP TABLE search_terms").run() }
            // when
            try await AddPostgresSearchFunctions().prepare(on: t.app.db)
            // then: every word is there, and a prefix finds what it did
            if postgres {
                // the words of every indexed record, as the app folds them
                let indexed = try await sql.raw("SELECT kind, ref FROM search_documents").all(decoding: SearchIndex.Pending.self)
                let words = Set(try await SearchSources.load(indexed, on: sql).flatMap(\.allWords))
                let terms = try await sql.raw("SELECT term FROM search_terms").all(decodingColumn: "term", as: String.self)
                #expect(!words.isEmpty)
                #expect(Set(terms) == words)
                // and words an earlier version indexed without keeping are taken in as `serve` starts
                try await sql.raw("DELETE FROM search_terms WHERE term >= 'm'").run()
                try await PostgresSearchIndex.takeInIndexedWords(on: sql)
                let again = try await sql.raw("SELECT term FROM search_terms").all(decodingColumn: "term", as: String.self)
                #expect(Set(again) == words)
            }
            let found = try await search(t, "scholar", limit: 100)
            #expect(Set(found.compactMap { ($0["id"] as? String)?.lowercased() }).count == corpus.expected("scholar").count)
            #expect(!found.isEmpty)
        }
    }

    @Test func aPrefixOfMoreWordsThanAreAskedOneByOneFindsThemAll() async throws {
        try await withTestApp { t in
            // given: a prefix that starts more indexed words than a query asks by name
            let count = SQLiteSearchIndex.maxExpansion + 6
            for index in 0..<count {
                _ = try await Fixtures.student("Pupil Quix\(index)", email: "quix\(index)@example.com", on: t.app)
            }
            // when
            let found = try await search(t, "quix", limit: 100)
            // then: asked as the prefix itself, it finds every one
            #expect(Set(found.compactMap { $0["title"] as? String }) == Set((0..<count).map { "Pupil Quix\($0)" }))
            // and one of the words in full finds its one student
            #expect(titles(try await search(t, "quix17")) == ["Pupil Quix17"])
        }
    }

    @Test func aBacklogBiggerThanASearchIndexesIsFlaggedAndCaughtUpBySearchesThatFollow() async throws {
        try await withTestApp { t in
            // given: more records written at once than a search indexes before answering
            let now = Date()
            let rows = (0..<(Search.maxIndexedFirst + 700)).map { index in
                StudentRow(id: UUID(), name: "Backlog Student \(index)", email: "backlog\(index)@example.com",
                           notes: "Imported in bulk", source: .manual, createdAt: now, updatedAt: now)
            }
            for part in rows.chunked(500) { try await StudentRow.insert(part, on: try t.app.db.sql()) }
            // when
            let first = try await t.app.testing().sendRequest(.GET, "/api/search?q=bulk&limit=100", headers: t.bearer)
            // then: answered, flagged, with what was indexed so far
            #expect(first.status == .ok)
            let firstJSON = try first.json()
            #expect(firstJSON["indexing"] as? Bool == true)
            #expect((firstJSON["results"] as? [[String: Any]])?.count == 100)
            // and the next search indexes the rest: complete, no flag, every record findable
            let second = try await t.app.testing().sendRequest(.GET, "/api/search?q=backlog+student+\(Search.maxIndexedFirst + 699)", headers: t.bearer).json()
            #expect(second["indexing"] == nil)
            #expect((second["results"] as? [[String: Any]])?.count == 1)
            #expect(try await SearchIndex.hasPending(on: try t.app.db.sql()) == false)
        }
    }

    @Test func searchNeedsSigningIn() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/search?q=thesis")
            #expect(response.status == .unauthorized)
        }
    }
}
