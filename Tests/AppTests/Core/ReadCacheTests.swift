@testable import App
import Foundation
import SQLKit
import Testing
import VaporTesting

/// The read caches must never show what the database no longer says: changes made behind the
/// app's back (raw SQL here, as another process or app instance would make them) are seen on the
/// next request, and a list drops a meeting when it ends.
@Suite("Read caches")
struct ReadCacheTests {
    @Test func upcomingAnswerFollowsChangesMadeOutsideTheApp() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let meeting = try await Fixtures.consultation(for: student, startsIn: 3600, on: t.app)
            let tester = try t.app.testing()
            func topics() async throws -> [String] {
                let response = try await tester.sendRequest(.GET, "/api/calendar/meetings/upcoming", headers: t.bearer)
                #expect(response.status == .ok)
                return (try response.json()["meetings"] as? [[String: Any]] ?? []).compactMap { $0["topic"] as? String }
            }
            #expect(try await topics() == ["Essays"])
            #expect(try await topics() == ["Essays"])

            let sql = try t.app.db.sql()
            try await sql.raw("UPDATE consultations SET topic = 'Changed elsewhere' WHERE id = \(bind: try meeting.requireID())").run()
            #expect(try await topics() == ["Changed elsewhere"])
            try await sql.raw("UPDATE students SET name = 'Renamed' WHERE id = \(bind: try student.requireID())").run()
            let renamed = try await tester.sendRequest(.GET, "/api/calendar/meetings/upcoming", headers: t.bearer)
            #expect((try renamed.json()["meetings"] as? [[String: Any]])?.first?["student_name"] as? String == "Renamed")
            try await sql.raw("DELETE FROM consultations").run()
            #expect(try await topics() == [])
        }
    }

    @Test func calendarPageFollowsChangesMadeOutsideTheApp() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let meeting = try await Fixtures.consultation(for: student, startsIn: 3600, on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            #expect(try await browser.get("/calendar").body.string.contains("Essays"))
            try await t.app.db.sql().raw("UPDATE consultations SET topic = 'Thesis outline' WHERE id = \(bind: try meeting.requireID())").run()
            let page = try await browser.get("/calendar").body.string
            #expect(page.contains("Thesis outline"))
            #expect(!page.contains("Essays"))
            #expect(try await browser.get("/calendar/upcoming").body.string.contains("Thesis outline"))
        }
    }

    @Test func aDeletedTokenOrSessionStopsWorkingAtOnce() async throws {
        try await withTestApp { t in
            let tester = try t.app.testing()
            #expect(try await tester.sendRequest(.GET, "/api/students", headers: t.bearer).status == .ok)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            #expect(try await browser.get("/calendar").status == .ok)

            let sql = try t.app.db.sql()
            try await sql.raw("DELETE FROM api_tokens").run()
            #expect(try await tester.sendRequest(.GET, "/api/students", headers: t.bearer).status == .unauthorized)
            try await sql.raw("DELETE FROM _fluent_sessions").run()
            let page = try await browser.get("/calendar")
            #expect(page.status == .seeOther)
            #expect(page.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
        }
    }

    @Test func aListDropsItsFirstMeetingWhenThatEnds() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let first = try await Fixtures.consultation(for: student, startsIn: 600, duration: 30, on: t.app)
            let second = try await Fixtures.consultation(for: student, startsIn: 7200, duration: 30, on: t.app)
            let meetings = UpcomingMeetings(db: t.app.db, caches: t.app.readCaches)
            let now = Date()
            func ids(at time: Date) async throws -> [String] {
                let body = try await meetings.json(UpcomingMeetingsQuery(), version: try await DataVersion.future(on: t.app.db).get(), now: time)
                let list = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
                return (list["meetings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids(at: now) == [first, second].map { $0.id!.uuidString })
            // No write in between: only the first meeting's end can change the list.
            #expect(try await ids(at: now.addingTimeInterval(600 + 30 * 60 + 1)) == [second.id!.uuidString])
        }
    }

    @Test func cacheServesOnlyItsOwnVersionUntilExpiry() {
        let cache = VersionedCache<String, Int>(capacity: 2)
        let now = Date()
        cache.store(1, for: "a", version: 7, expires: now.addingTimeInterval(60))
        #expect(cache.value(for: "a", version: 7, now: now) == 1)
        #expect(cache.value(for: "a", version: 8, now: now) == nil)
        #expect(cache.value(for: "a", version: 7, now: now.addingTimeInterval(60)) == nil)
        cache.store(2, for: "b", version: 7)
        cache.store(3, for: "c", version: 7)
        // Full: it started afresh, keeping only the newest.
        #expect(cache.value(for: "a", version: 7, now: now) == nil)
        #expect(cache.value(for: "c", version: 7, now: now) == 3)
    }
}
