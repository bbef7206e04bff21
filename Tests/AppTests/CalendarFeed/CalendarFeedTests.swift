@testable import App
import Crypto
import Fluent
import Foundation
import Testing
import VaporTesting

/// The calendar feed (SPEC 12): RFC 5545 text, and the secret address's life. The feed is also
/// parsed with a real iCalendar library in `e2e/api/test_calendar_feed.py`.
@Suite("Calendar feed")
struct CalendarFeedTests {
    /// The physical lines of a folded text, as bytes.
    static func physicalLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                lines.append([])
                index += 2
            } else {
                lines[lines.count - 1].append(bytes[index])
                index += 1
            }
        }
        return lines.filter { !$0.isEmpty }
    }

    @Test func longLinesFoldAt75OctetsWithoutSplittingACharacter() throws {
        var writer = ICalendarWriter()
        let value = String(repeating: "Überprüfung der Gliederung 📚 — ", count: 12)
        writer.text("DESCRIPTION", value)
        let lines = Self.physicalLines(writer.output)
        #expect(lines.count > 5)
        for line in lines {
            #expect(line.count <= 75)
            #expect(String(validating: line, as: UTF8.self) != nil, "each physical line is whole UTF-8")
        }
        #expect(lines.dropFirst().allSatisfy { $0.first == 32 }, "continuation lines start with a space")
        let unfolded = writer.output.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded == "DESCRIPTION:\(ICalendarWriter.escape(value))\r\n")
    }

    @Test func textIsEscaped() {
        #expect(ICalendarWriter.escape(#"a,b;c\d"#) == #"a\,b\;c\\d"#)
        #expect(ICalendarWriter.escape("one\r\ntwo\nthree\rfour") == #"one\ntwo\nthree\nfour"#)
        #expect(ICalendarWriter.escape("tab\there") == "tab here")
    }

    @Test func theAddressIsMadeShownOnceRevokedAndLookedUpByItsHash() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            _ = try await Fixtures.consultation(for: student, startsIn: 3600, on: t.app)
            let made = try await t.app.testing().sendRequest(.POST, "/api/calendar/feed", headers: t.bearer)
            #expect(made.status == .created)
            let url = try #require(try made.json()["url"] as? String)
            let path = try #require(URLComponents(string: url)?.path)
            let token = try #require(path.split(separator: "/").dropFirst().first.map(String.init))

            let stored = try #require(try await CalendarFeed.query(on: t.app.db).first())
            #expect(stored.tokenHash == SHA256.hash(data: Data(token.utf8)).hex)
            #expect(stored.tokenHash != token)

            let feed = try await t.app.testing().sendRequest(.GET, path)
            #expect(feed.status == .ok)
            #expect(feed.headers.first(name: .contentType)?.hasPrefix("text/calendar") == true)
            #expect(feed.body.string.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(feed.body.string.contains("BEGIN:VEVENT"))

            #expect(try await t.app.testing().sendRequest(.GET, "/feeds/\(token)x/consultations.ics").status == .notFound)
            #expect(try await t.app.testing().sendRequest(.GET, "/feeds/\(stored.tokenHash)/consultations.ics").status == .notFound,
                    "the stored hash is not a key")

            // A new address revokes the old one; revoking leaves none.
            let second = try await t.app.testing().sendRequest(.POST, "/api/calendar/feed", headers: t.bearer)
            let newPath = try #require(URLComponents(string: try second.json()["url"] as? String ?? "")?.path)
            #expect(try await t.app.testing().sendRequest(.GET, path).status == .notFound)
            #expect(try await t.app.testing().sendRequest(.GET, newPath).status == .ok)
            #expect(try await t.app.testing().sendRequest(.DELETE, "/api/calendar/feed", headers: t.bearer).status == .noContent)
            #expect(try await t.app.testing().sendRequest(.GET, newPath).status == .notFound)
            #expect(try await t.app.testing().sendRequest(.POST, "/api/calendar/feed").status == .unauthorized)
        }
    }

    @Test func settingsMakesTheAddressShowsItOnceAndRevokesIt() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            #expect(try await browser.get("/settings").body.string.contains("No feed address yet."))
            let made = try await browser.post("/settings/calendar-feed", form: [:])
            #expect(made.status == .ok)
            let html = made.body.string
            let start = try #require(html.range(of: "<code id=\"feed-url\">"))
            let url = String(html[start.upperBound...].prefix { $0 != "<" })
            #expect(url.hasSuffix("/consultations.ics"))
            let again = try await browser.get("/settings").body.string
            #expect(!again.contains(url), "the address is not shown again")
            #expect(again.contains("is live"))
            let path = try #require(URLComponents(string: url)?.path)
            #expect(try await t.app.testing().sendRequest(.GET, path).status == .ok)
            _ = try await browser.post("/settings/calendar-feed/revoke", form: [:])
            #expect(try await t.app.testing().sendRequest(.GET, path).status == .notFound)
        }
    }
}
