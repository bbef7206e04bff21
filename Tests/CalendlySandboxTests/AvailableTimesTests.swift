import Foundation
import Testing
@testable import CalendlySandbox

@Suite("GET /event_type_available_times")
struct AvailableTimesTests {
    @Test("lists open times on the hour, 09:00-16:00 UTC, in the asked range, without paging; POST /invitees takes each")
    func lists() async throws {
        try await withSandbox { sandbox in
            // given
            let type = try await sandbox.eventTypeURI("quick-check-in")

            // when
            let answer = try await sandbox.openTimes(type, days: 31)

            // then
            #expect(answer.status == 200)
            #expect(answer.json.keys.sorted() == ["collection"])
            let times = answer.collection
            #expect(times.count > 8 * 20)  // a month of working days, less the demo meetings
            let starts = times.compactMap { $0["start_time"] as? String }.compactMap(CalendlyTime.parse)
            #expect(starts.count == times.count)
            #expect(starts == starts.sorted())
            #expect(starts.allSatisfy { $0 > Date() && $0 < Date().addingTimeInterval(31 * 86_400) })
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            #expect(starts.allSatisfy { start in
                let c = utc.dateComponents([.hour, .minute, .second, .nanosecond], from: start)
                return (9...16).contains(c.hour ?? -1) && c.minute == 0 && c.second == 0 && c.nanosecond == 0
            })
            #expect(times.allSatisfy { $0["status"] as? String == "available" && $0["invitees_remaining"] as? Int == 1 })
            // A time a demo meeting takes is not listed.
            let user = try await sandbox.me().user
            let taken = try await sandbox.get("/scheduled_events?user=\(user)&status=active&min_start_time=\(CalendlyTime.format(Date()))&count=100")
                .collection.compactMap { $0["start_time"] as? String }
            #expect(!taken.isEmpty)
            let listed = Set(times.compactMap { $0["start_time"] as? String })
            #expect(listed.isDisjoint(with: taken))
            // Every listed time of the first days books (and so is gone from the list).
            for (index, time) in listed.sorted().prefix(3).enumerated() {
                let booked = try await sandbox.bookDirectly(sandbox.directBody(type, start: time, email: "s\(index)@student.example"))
                #expect(booked.status == 201, "\(time): \(booked.body)")
            }
            #expect(try await sandbox.openTimes(type, days: 31).collection.count == times.count - 3)
        }
    }

    @Test("scheduling_url opens the booking page at that time")
    func schedulingURL() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let time = try #require(try await sandbox.openTimes(type).collection.first)
            let start = try #require(time["start_time"] as? String)
            let url = try #require(time["scheduling_url"] as? String)
            #expect(url.hasPrefix("\(sandbox.base)/sam-rivera/consultation-30/"))
            let page = try await sandbox.get(url, authorized: false)
            #expect(page.status == 200)
            #expect(page.body.contains(#"value="\#(start)" required checked"#))
        }
    }

    @Test("each of event_type, start_time and end_time is required", arguments: ["event_type", "start_time", "end_time"])
    func required(_ missing: String) async throws {
        try await withSandbox { sandbox in
            let params = ["event_type": try await sandbox.eventTypeURI(),
                          "start_time": CalendlyTime.format(Date().addingTimeInterval(3_600)),
                          "end_time": CalendlyTime.format(Date().addingTimeInterval(86_400))]
            let query = params.filter { $0.key != missing }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            let answer = try await sandbox.get("/event_type_available_times?\(query)")
            #expect(answer.isInvalid(missing), "\(answer.body)")
        }
    }

    @Test("a start in the past, an end before the start, or more than 31 days is a 400; an unknown type a 404")
    func badRanges() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            func ask(_ from: TimeInterval, _ to: TimeInterval, type: String? = nil) async throws -> HTTPAnswer {
                let start = CalendlyTime.format(Date().addingTimeInterval(from))
                let end = CalendlyTime.format(Date().addingTimeInterval(to))
                return try await sandbox.get("/event_type_available_times?event_type=\(type ?? "")&start_time=\(start)&end_time=\(end)")
            }
            let day: TimeInterval = 86_400
            #expect(try await ask(-3_600, day, type: type).isInvalid("start_time"))
            #expect(try await ask(2 * day, day, type: type).isInvalid("end_time"))
            let tooLong = try await ask(60, 32 * day, type: type)
            #expect(tooLong.isInvalid("end_time"))
            #expect((tooLong.details.first?["message"] as? String)?.contains("too long") == true)
            #expect(try await ask(60, 31 * day, type: type).status == 200)
            #expect(try await ask(60, day, type: "\(sandbox.base)/event_types/unknown").status == 404)
            #expect(try await sandbox.get("/event_type_available_times?event_type=\(type)&start_time=soon&end_time=later").isInvalid("start_time"))
        }
    }

    @Test("needs availability:read")
    func scope() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let token = try await sandbox.call(.POST, "/_sandbox/tokens", json: #"{"scopes":["event_types:read"]}"#,
                                               authorized: false).json["token"] as? String
            let from = CalendlyTime.format(Date().addingTimeInterval(60))
            let to = CalendlyTime.format(Date().addingTimeInterval(86_400))
            let answer = try await sandbox.call(.GET, "/event_type_available_times?event_type=\(type)&start_time=\(from)&end_time=\(to)", token: token)
            #expect(answer.status == 403)
        }
    }
}
