import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("concurrent bookings of distinct times all succeed, and double-booking one time lets exactly one in")
    func concurrentBookings() async throws {
        try await withSandbox { sandbox in
            // given twenty free times
            let slots = try await sandbox.get("/_sandbox/slots?event_type=consultation-30", authorized: false)
            let times = Array((slots.json["slots"] as? [String] ?? []).prefix(20))
            #expect(times.count == 20)
            let before = (try await sandbox.get("/_sandbox/truth", authorized: false).json["events"] as? [Any])?.count ?? 0

            // when all are booked at once, plus five racing for the first time again
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, time) in times.enumerated() {
                    group.addTask {
                        try await sandbox.book(name: "Racer \(index)", email: "r\(index)@student.example",
                                               extra: #","start_time":"\#(time)""#).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let racers = try await withThrowingTaskGroup(of: Int.self) { group in
                let next = try #require((try await sandbox.get("/_sandbox/slots?event_type=consultation-30",
                                                               authorized: false).json["slots"] as? [String])?.first)
                for index in 0..<5 {
                    group.addTask {
                        try await sandbox.book(name: "Twin \(index)", email: "t\(index)@student.example",
                                               extra: #","start_time":"\#(next)""#).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }

            // then
            #expect(statuses.allSatisfy { $0 == 201 })
            #expect(racers.filter { $0 == 201 }.count == 1)
            #expect(racers.filter { $0 == 400 }.count == 4)
            let after = (try await sandbox.get("/_sandbox/truth", authorized: false).json["events"] as? [Any])?.count ?? 0
            #expect(after == before + 21)
        }
    }
}
