@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// `/search` and the header's search box, as a signed-in browser gets them.
@Suite("Search page")
struct SearchPageTests {
    @Test func resultsLinkToTheirPagesWithTheMatchedWordsMarkedAndTextEscaped() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student("José <b>Núñez</b>", email: "jose@example.com",
                                                     notes: "Scholarship essay & <script>alert(1)</script> draft", on: t.app)
            let consultation = try await SearchCorpus.consultation(for: student, daysAgo: 3, topic: "Scholarship plan", notes: "Talked about the scholarship", on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            // when
            let page = try await browser.get("/search?q=SCHOLAR+jose")
            // then
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("href=\"/students/\(try student.requireID())\""))
            #expect(html.contains("href=\"/consultations/\(try consultation.requireID())\""))
            #expect(html.contains("<mark>Scholarship</mark> essay &amp; &lt;script&gt;alert(1)&lt;/script&gt; draft"))
            #expect(html.contains("<mark>José</mark> &lt;b&gt;Núñez&lt;/b&gt;"))
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("id=\"search-page-q\" name=\"q\" type=\"search\" value=\"SCHOLAR jose\""))
            #expect(html.contains("2 results"))
        }
    }

    @Test func noWordsAsksForSomeAndNoMatchSaysSo() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let empty = try await browser.get("/search?q=%22%28*")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("id=\"search-hint\""))
            let none = try await browser.get("/search?q=nothingmatchesthis")
            #expect(none.status == .ok)
            #expect(none.body.string.contains("id=\"search-empty\""))
        }
    }

    @Test func everySignedInPageHasTheSearchBoxInItsHeader() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let consultation = try await Fixtures.consultation(for: student, on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            for path in ["/today", "/calendar", "/calendar/schedule", "/students", "/students/\(try student.requireID())",
                         "/consultations/\(try consultation.requireID())", "/settings", "/search", "/students/import"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.string.contains("<form method=\"get\" action=\"/search\" role=\"search\" class=\"header-search\""), "\(path)")
            }
        }
    }

    @Test func signedOutTheSearchPageLeadsToSignIn() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/search?q=thesis")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.hasPrefix("/sign-in") == true)
        }
    }
}
