import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Booking limits of POST /invitees")
struct BookingLimitTests {
    @Test("Calendly's numbers by default: 10 a minute, 50 an hour, 100 a day")
    func defaults() async throws {
        try await withSandbox { sandbox in
            let limits = try await sandbox.get("/_sandbox/booking_limits", authorized: false).json
            #expect(limits["per_minute"] as? Int == 10)
            #expect(limits["per_hour"] as? Int == 50)
            #expect(limits["per_day"] as? Int == 100)
        }
    }

    @Test("a limit reached: 429 naming it, with X-RateLimit headers; failed bookings do not count",
          arguments: [("per_minute", "minute"), ("per_hour", "hour"), ("per_day", "day")])
    func limitReached(key: String, window: String) async throws {
        try await withSandbox { sandbox in
            // given a limit of two in this window
            let set = try await sandbox.call(.POST, "/_sandbox/booking_limits", json: #"{"\#(key)": 2}"#, authorized: false)
            #expect(set.json[key] as? Int == 2)
            let type = try await sandbox.eventTypeURI()
            let starts = try await sandbox.openStarts(type)

            // when two bookings succeed around a refused one
            let first = try await sandbox.bookDirectly(sandbox.directBody(type, start: starts[0]))
            let invalid = try await sandbox.bookDirectly(sandbox.directBody(type, start: starts[0]))
            let second = try await sandbox.bookDirectly(sandbox.directBody(type, start: starts[1]))
            let third = try await sandbox.bookDirectly(sandbox.directBody(type, start: starts[2]))

            // then
            let statuses: [Int] = [first.status, invalid.status, second.status]
            #expect(statuses == [201, 400, 201])
            #expect(third.status == 429)
            #expect(third.json["title"] as? String == "Too Many Requests")
            #expect(third.json["message"] as? String == "Booking limit reached: 2 bookings per \(window)")
            #expect(third.headers.first(name: "X-RateLimit-Limit") == "2")
            #expect(third.headers.first(name: "X-RateLimit-Remaining") == "0")
            let reset = try #require(Int(third.headers.first(name: "X-RateLimit-Reset") ?? ""))
            let windowSeconds = ["minute": 60, "hour": 3_600, "day": 86_400][window] ?? 0
            #expect(reset > windowSeconds - 30 && reset <= windowSeconds)
            // the refused time is still open, and other calls are not limited
            #expect(try await sandbox.openStarts(type).contains(starts[2]))
            #expect(try await sandbox.get("/users/me").status == 200)
            // a reset lets bookings through again
            _ = try await sandbox.call(.POST, "/_sandbox/booking_limits", json: #"{"reset": true}"#, authorized: false)
            #expect(try await sandbox.bookDirectly(sandbox.directBody(type, start: starts[2])).status == 201)
        }
    }

    @Test("bad limits are refused")
    func badLimits() async throws {
        try await withSandbox { sandbox in
            let zero = try await sandbox.call(.POST, "/_sandbox/booking_limits", json: #"{"per_minute": 0}"#, authorized: false)
            let unknown = try await sandbox.call(.POST, "/_sandbox/booking_limits", json: #"{"per_week": 3}"#, authorized: false)
            #expect(zero.isInvalid("per_minute"))
            #expect(unknown.isInvalid("per_week"))
            #expect(try await sandbox.get("/_sandbox/booking_limits", authorized: false).json["per_minute"] as? Int == 10)
        }
    }

    @Test("concurrent bookings cannot slip past a limit")
    func concurrent() async throws {
        try await withSandbox { sandbox in
            _ = try await sandbox.call(.POST, "/_sandbox/booking_limits", json: #"{"per_minute": 3}"#, authorized: false)
            let type = try await sandbox.eventTypeURI()
            let starts = Array(try await sandbox.openStarts(type).prefix(8))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, start) in starts.enumerated() {
                    group.addTask {
                        try await sandbox.bookDirectly(sandbox.directBody(type, start: start, email: "c\(index)@student.example")).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 3)
            #expect(statuses.filter { $0 == 429 }.count == 5)
        }
    }
}
