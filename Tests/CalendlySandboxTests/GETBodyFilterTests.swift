import Foundation
import Testing
@testable import CalendlySandbox

@Suite("List filters sent as a JSON body on GET")
struct GETBodyFilterTests {
    @Test("body keys filter as query parameters would, the query string wins, and next_page keeps them")
    func filters() async throws {
        try await withSandbox { sandbox in
            // given
            let (user, _) = try await sandbox.me()
            let byQuery = try await sandbox.get("/scheduled_events?user=\(user)&status=canceled&count=100").collection
            #expect(!byQuery.isEmpty)

            // when the same filters come as a JSON body
            let byBody = try await sandbox.call(.GET, "/scheduled_events",
                                                json: jsonText(["user": user, "status": "canceled", "count": 100]))
            let queryWins = try await sandbox.call(.GET, "/scheduled_events?status=active",
                                                   json: jsonText(["user": user, "status": "canceled", "count": 100]))
            let paged = try await sandbox.call(.GET, "/scheduled_events", json: jsonText(["user": user, "count": 2]))

            // then
            #expect(byBody.status == 200)
            #expect(byBody.collection.compactMap { $0["uri"] as? String } == byQuery.compactMap { $0["uri"] as? String })
            #expect(!queryWins.collection.isEmpty)
            #expect(queryWins.collection.allSatisfy { $0["status"] as? String == "active" })
            #expect(paged.collection.count == 2)
            let next = try #require(paged.pagination.string("next_page"))
            #expect(try await sandbox.get(next).collection.count == 2)
        }
    }

    @Test("bad values in the body are checked as in the query; booleans and numbers count as their text")
    func checked() async throws {
        try await withSandbox { sandbox in
            let (user, _) = try await sandbox.me()
            let badStatus = try await sandbox.call(.GET, "/scheduled_events", json: jsonText(["user": user, "status": "gone"]))
            #expect(badStatus.isInvalid("status"))
            let inactive = try await sandbox.call(.GET, "/event_types", json: #"{"user": "\#(user)", "active": false}"#)
            #expect(inactive.collection.count == 1)
            let missing = try await sandbox.call(.GET, "/scheduled_events", json: jsonText(["status": "active"]))
            #expect(missing.status == 400)
            let type = try await sandbox.eventTypeURI()
            let times = try await sandbox.call(.GET, "/event_type_available_times", json: jsonText([
                "event_type": type, "start_time": CalendlyTime.format(Date().addingTimeInterval(60)),
                "end_time": CalendlyTime.format(Date().addingTimeInterval(3 * 86_400)),
            ]))
            #expect(times.status == 200 && !times.collection.isEmpty)
        }
    }

    @Test("a body that is not a JSON object, or a filter that is a list, is a 400 Invalid Argument", arguments: [
        "[1, 2]", "\"user\"", "{not json", #"{"status": ["active"]}"#,
    ])
    func refused(_ body: String) async throws {
        try await withSandbox { sandbox in
            let (user, _) = try await sandbox.me()
            let answer = try await sandbox.call(.GET, "/scheduled_events?user=\(user)", json: body)
            #expect(answer.status == 400)
            #expect(answer.json["title"] as? String == "Invalid Argument")
            #expect(answer.headers.first(name: "X-RateLimit-Limit") != nil)
        }
    }
}
