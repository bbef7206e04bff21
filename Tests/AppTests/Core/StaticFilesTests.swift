@testable import App
import Foundation
import Testing
import VaporTesting

/// `Public/` is served to GET requests no route answers, without signing in; routes always win.
@Suite("Static files")
struct StaticFilesTests {
    @Test func assetsAreServedAndMissingOnesAreNotFound() async throws {
        try await withTestApp { t in
            let tester = try t.app.testing()
            let css = try await tester.sendRequest(.GET, "/css/app.css")
            #expect(css.status == .ok)
            #expect(css.headers.contentType?.subType == "css")
            #expect(css.body.readableBytes > 0)
            #expect(try await tester.sendRequest(.GET, "/js/tabs.js").status == .ok)
            #expect(try await tester.sendRequest(.GET, "/css/missing.css").status == .notFound)
            let api = try await tester.sendRequest(.GET, "/api/css/app.css", headers: t.bearer)
            #expect(api.status == .notFound)
            #expect(try api.errorCode().code == "not_found")
            // A page route is a route, never a file: signed out, it still asks for sign-in.
            #expect(try await tester.sendRequest(.GET, "/calendar").status == .seeOther)
        }
    }
}
