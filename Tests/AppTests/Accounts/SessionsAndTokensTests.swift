@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Sessions and API tokens on Settings › Security")
struct SessionsAndTokensTests {
    static let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"

    @Test func sessionsAreListedAndOthersCanBeSignedOut() async throws {
        try await withTestApp { t in
            // given two signed-in browsers, one of them Firefox
            let here = BrowserSession(app: t.app)
            try await here.signIn()
            let laptop = BrowserSession(app: t.app, userAgent: Self.firefox)
            try await laptop.signIn()
            #expect(try await laptop.get("/students").status == .ok)
            // and a sign-in page left open elsewhere, which signs nobody in
            try await BrowserSession(app: t.app).get("/sign-in")

            // when the owner opens Security
            let page = try await here.get("/settings/security")

            // then both sessions are listed, this one marked, the other named by its browser
            let html = page.body.string
            #expect(html.matches(of: /<tr[^>]*><td title=/).count == 2)
            #expect(html.contains("(this one)"))
            #expect(html.contains("Firefox on Windows"))
            #expect(html.contains("title=\"\(Self.firefox)\""))
            #expect(!html.contains(try #require(laptop.cookies["crm_session"])))

            // when they sign out everywhere else
            let ended = try await here.post("/settings/sessions/end-others", form: [:])
            #expect(ended.status == .seeOther)

            // then the other browser lands on sign-in at its next request, and this one stays in
            let next = try await laptop.get("/students")
            #expect(next.status == .seeOther)
            #expect(next.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
            #expect(try await here.get("/students").status == .ok)
            let after = try await here.get("/settings/security")
            #expect(after.body.string.contains("No other session is signed in."))
            let events = try await AuditEvent.query(on: t.app.db).filter(\.$event == AuditEvent.Kind.sessionsEnded.rawValue).all()
            #expect(events.map(\.detail) == ["every other session (1)"])
        }
    }

    @Test func oneSessionCanBeSignedOutByItsRow() async throws {
        try await withTestApp { t in
            let here = BrowserSession(app: t.app)
            try await here.signIn()
            let phone = BrowserSession(app: t.app, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1")
            try await phone.signIn()
            let page = try await here.get("/settings/security")
            let handle = try #require(page.body.string.firstMatch(of: /name="session" value="([0-9a-f]{32})"/)).1
            #expect(page.body.string.contains("Safari on iPhone"))

            let unknown = try await here.post("/settings/sessions/end", form: ["session": String(repeating: "0", count: 32)])
            #expect(unknown.status == .notFound)
            #expect(unknown.body.string.contains("That session is not signed in any more"))
            #expect(try await phone.get("/students").status == .ok)

            let ended = try await here.post("/settings/sessions/end", form: ["session": String(handle)])
            #expect(ended.status == .seeOther)
            #expect(try await phone.get("/students").status == .seeOther)
            #expect(try await here.get("/students").status == .ok)
        }
    }

    @Test func tokensAreMadeListedAndRevoked() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/settings/security")

            // a name that is too long is refused and kept in its field
            let long = String(repeating: "ł", count: 101)
            let refused = try await browser.post("/settings/tokens", form: ["name": long])
            #expect(refused.status == .unprocessableEntity)
            let kept = try #require(HTMLForm(id: "token-form", in: refused.body.string))
            #expect(kept.fields["name"] == long)
            #expect(try await APIToken.query(on: t.app.db).count() == 1)

            // a token made here is shown once and works
            let made = try await browser.post("/settings/tokens", form: ["name": "backup script"])
            #expect(made.status == .ok)
            let plain = String(try #require(made.body.string.firstMatch(of: /id="new-token-value">(crm_[^<]+)</)).1)
            let use = try await t.app.testing().sendRequest(.GET, "/api/students", headers: ["Authorization": "Bearer \(plain)"])
            #expect(use.status == .ok)
            let listed = try await browser.get("/settings/security")
            #expect(!listed.body.string.contains(plain))
            #expect(listed.body.string.contains("backup script"))
            let token = try #require(try await APIToken.query(on: t.app.db).filter(\.$name == "backup script").first())
            #expect(token.lastUsedAt != nil)

            // an unknown token: a clear message, nothing changed, the attempt recorded
            let unknown = try await browser.post("/settings/tokens/revoke", form: ["id": UUID().uuidString])
            #expect(unknown.status == .notFound)
            #expect(unknown.body.string.contains("No API token has that id"))
            let malformed = try await browser.post("/settings/tokens/revoke", form: ["id": "not-an-id"])
            #expect(malformed.status.code >= 400 && malformed.status.code < 500)
            #expect(try await APIToken.query(on: t.app.db).count() == 2)

            // revoked, it is refused at the next request
            let revoked = try await browser.post("/settings/tokens/revoke", form: ["id": try token.requireID().uuidString])
            #expect(revoked.status == .seeOther)
            let after = try await t.app.testing().sendRequest(.GET, "/api/students", headers: ["Authorization": "Bearer \(plain)"])
            #expect(after.status == .unauthorized)
            #expect(try await t.app.testing().sendRequest(.GET, "/api/students", headers: t.bearer).status == .ok)

            let events = try await AuditEvent.query(on: t.app.db).sort(\.$occurredAt).all()
                .filter { [.tokenCreated, .tokenRevoked].contains($0.kind) }.map { "\($0.event) \($0.outcome)" }
            #expect(events == ["token_created failed", "token_created succeeded", "token_revoked failed", "token_revoked failed", "token_revoked succeeded"])
        }
    }

    @Test func aTokensLastUseIsWrittenAtMostEveryFiveMinutes() {
        let use = TokenUse()
        let id = UUID()
        let now = Date()
        // never used: this request writes, the next ones (still reading the old row) do not
        #expect(use.claim(id, lastUsedAt: nil, now: now))
        #expect(!use.claim(id, lastUsedAt: nil, now: now.addingTimeInterval(10)))
        // the row says it was used 4 minutes ago (another instance wrote it): no write
        #expect(!use.claim(id, lastUsedAt: now.addingTimeInterval(160), now: now.addingTimeInterval(400)))
        // over 5 minutes since anyone wrote it: one write again
        #expect(use.claim(id, lastUsedAt: now, now: now.addingTimeInterval(301)))
        #expect(!use.claim(id, lastUsedAt: now, now: now.addingTimeInterval(302)))
        #expect(use.claim(UUID(), lastUsedAt: now.addingTimeInterval(-301), now: now))
    }

    @Test(arguments: [
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("curl/8.11.0", "curl"),
        ("", "Unknown browser"),
    ])
    func browsersAreNamed(userAgent: String, name: String) {
        #expect(BrowserName.describe(userAgent) == name)
    }
}

@Suite("Audit log")
struct AuditLogTests {
    @Test func theLogIsListedNewestFirstInPages() async throws {
        try await withTestApp { t in
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            for i in 0..<30 {
                try await t.app.audit.record(.dataExported, .succeeded, "export \(i)", at: start.addingTimeInterval(Double(i)))
            }
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let first = try await browser.get("/settings/security")
            let rows = first.body.string.matches(of: /<td>(export \d+|password)<\/td><\/tr>/).map { String($0.1) }
            // The sign-in is newest, then exports 29 down to 6: a page of 25.
            #expect(rows == ["password"] + (6...29).reversed().map { "export \($0)" })
            #expect(first.body.string.contains("id=\"audit-older\""))
            #expect(!first.body.string.contains("id=\"audit-newer\""))

            let second = try await browser.get("/settings/security?audit_page=2")
            let older = second.body.string.matches(of: /<td>(export \d+)<\/td><\/tr>/).map { String($0.1) }
            #expect(older == (0...5).reversed().map { "export \($0)" })
            #expect(!second.body.string.contains("id=\"audit-older\""))
            #expect(second.body.string.contains("id=\"audit-newer\""))
            for page in ["0", "-3", "99999999999999999999", "x"] {
                #expect(try await browser.get("/settings/security?audit_page=\(page)").status.code < 500)
            }
        }
    }

    @Test func exportsImportsPurgesAndFeedChangesAreRecorded() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            for path in ["/api/export/students.csv", "/api/export/consultations.csv", "/api/export.json"] {
                #expect(try await t.app.testing().sendRequest(.GET, path, headers: t.bearer).status == .ok)
            }
            var csv = t.bearer
            csv.contentType = HTTPMediaType(type: "text", subType: "csv")
            let imported = try await t.app.testing().sendRequest(.POST, "/api/students/import?dry_run=false", headers: csv,
                                                                 body: ByteBuffer(string: "name,email\nGrace Hopper,grace@example.com\n"))
            #expect(imported.status == .ok)
            let dryRun = try await t.app.testing().sendRequest(.POST, "/api/students/import", headers: csv,
                                                               body: ByteBuffer(string: "name,email\nAlan Turing,alan@example.com\n"))
            #expect(dryRun.status == .ok)
            #expect(try await t.app.testing().sendRequest(.POST, "/api/calendar/feed", headers: t.bearer).status == .created)
            #expect(try await t.app.testing().sendRequest(.DELETE, "/api/calendar/feed", headers: t.bearer).status == .noContent)
            let purge = try await t.app.testing().sendRequest(.DELETE, "/api/students/\(try student.requireID())?purge=true", headers: t.bearer)
            #expect(purge.status == .noContent)

            let events = try await AuditEvent.query(on: t.app.db).sort(\.$occurredAt).all().map { "\($0.event): \($0.detail)" }
            #expect(events == [
                "data_exported: students.csv (1 students)",
                "data_exported: consultations.csv (0 consultations)",
                "data_exported: export.json (1 students, 0 consultations, 0 follow-ups)",
                "students_imported: 1 create, 0 update, 0 skip",
                "calendar_feed_changed: new address made",
                "calendar_feed_changed: address revoked",
                "student_purged: student \(try student.requireID().uuidString) and their consultations",
            ])
            // The address is the client's, never a header's word for it.
            #expect(try await AuditEvent.query(on: t.app.db).all().allSatisfy { !$0.address.isEmpty })
        }
    }
}
