@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// The `/students/import` page: the dry run as a table, then Import; nothing changes before.
@Suite("Student import page")
struct StudentImportPageTests {
    static func multipart(_ fields: [(String, String, String?)], boundary: String) -> ByteBuffer {
        var body = ""
        for (name, value, filename) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"" + (filename.map { "; filename=\"\($0)\"\r\nContent-Type: text/csv" } ?? "") + "\r\n\r\n\(value)\r\n"
        }
        return ByteBuffer(string: body + "--\(boundary)--\r\n")
    }

    @Test func theDryRunIsShownThenImportApplies() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = try await browser.get("/students/import")
            #expect(page.status == .ok)
            let csrf = try #require(browser.csrfToken)
            let csv = "Name;E-Mail\r\nJonas <b>Berg</b>;jonas@student.example\r\n;nobody@student.example\r\n"
            let boundary = "crm-test-boundary"
            var headers = HTTPHeaders()
            headers.add(name: "Cookie", value: browser.cookie ?? "")
            headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let dry = try await t.app.testing().sendRequest(.POST, "/students/import", headers: headers,
                                                            body: Self.multipart([("csrf_token", csrf, nil), ("file", csv, "students.csv")], boundary: boundary))
            #expect(dry.status == .ok)
            let html = dry.body.string
            #expect(html.contains("1 to create, 0 to update, 0 skipped, 1 with errors"))
            #expect(html.contains("Jonas &lt;b&gt;Berg&lt;/b&gt;"))
            #expect(!html.contains("id=\"apply-import\""), "an error row blocks the import")
            #expect(try await Student.query(on: t.app.db).count() == 0)

            let good = "Name;E-Mail\r\nJonas Berg;jonas@student.example\r\n"
            let checked = try await t.app.testing().sendRequest(.POST, "/students/import", headers: headers,
                                                                body: Self.multipart([("csrf_token", csrf, nil), ("csv", good, nil)], boundary: boundary))
            #expect(checked.body.string.contains("id=\"apply-import\""))
            #expect(try await Student.query(on: t.app.db).count() == 0)
            let applied = try await t.app.testing().sendRequest(.POST, "/students/import", headers: headers,
                                                                body: Self.multipart([("csrf_token", csrf, nil), ("apply", "yes", nil), ("csv", good, nil)], boundary: boundary))
            #expect(applied.status == .seeOther)
            #expect(try await Student.query(on: t.app.db).all().map(\.name) == ["Jonas Berg"])
        }
    }
}
