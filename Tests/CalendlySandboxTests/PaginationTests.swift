import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Pagination")
struct PaginationTests {
    @Test("following next_page visits every event once, keeping the filters")
    func walkForward() async throws {
        try await withSandbox { sandbox in
            // given
            let (user, _) = try await sandbox.me()
            let all = try await sandbox.get("/scheduled_events?user=\(user)&count=100").collection
            #expect(all.count > 6)

            // when paging three at a time by the full next_page URL
            var seen: [String] = []
            var next: String? = "/scheduled_events?user=\(user)&count=3"
            var pages = 0
            while let url = next, pages < 20 {
                let page = try await sandbox.get(url)
                #expect(page.status == 200)
                #expect(page.collection.count <= 3)
                let pagination = page.pagination
                for key in ["count", "next_page", "previous_page", "next_page_token", "previous_page_token"] {
                    #expect(pagination[key] != nil, "pagination lacks \(key)")
                }
                seen += page.collection.compactMap { $0["uri"] as? String }
                next = pagination["next_page"] as? String
                if let next {
                    #expect(next.hasPrefix(sandbox.base + "/scheduled_events?"))
                    #expect(next.contains("user="))
                    #expect(pagination["next_page_token"] as? String != nil)
                }
                pages += 1
            }

            // then
            #expect(seen == all.compactMap { $0["uri"] as? String })
            #expect(pages == (all.count + 2) / 3)
        }
    }

    @Test("previous_page leads back to the first page")
    func walkBack() async throws {
        try await withSandbox { sandbox in
            let (user, _) = try await sandbox.me()
            let first = try await sandbox.get("/scheduled_events?user=\(user)&count=2")
            #expect(first.pagination["previous_page"] is NSNull)
            let secondURL = try #require(first.pagination["next_page"] as? String)
            let second = try await sandbox.get(secondURL)
            let backURL = try #require(second.pagination["previous_page"] as? String)
            let back = try await sandbox.get(backURL)
            #expect(back.collection.compactMap { $0["uri"] as? String } == first.collection.compactMap { $0["uri"] as? String })
        }
    }

    @Test("count over 100, under 1 or not a number, and a bad page_token are 400s with details")
    func badParameters() async throws {
        try await withSandbox { sandbox in
            let (user, _) = try await sandbox.me()
            for query in ["count=101", "count=0", "count=ten", "page_token=garbage!"] {
                let answer = try await sandbox.get("/event_types?user=\(user)&\(query)")
                #expect(answer.status == 400, "\(query)")
                #expect(answer.json["title"] as? String == "Invalid Argument")
                let details = answer.json["details"] as? [[String: Any]] ?? []
                #expect(details.first?["parameter"] as? String == query.components(separatedBy: "=").first)
            }
            #expect(try await sandbox.get("/event_types?user=\(user)&count=100").status == 200)
        }
    }
}
