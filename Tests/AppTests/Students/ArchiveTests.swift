@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Archive explains itself and can be undone: an archived-students view and Restore, on the pages
/// and the API.
@Suite("Archive and restore")
struct ArchiveTests {
    @Test func anArchivedStudentIsListedApartAndCanBeRestored() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student("Emma Johansson", email: "emma@example.com", on: t.app)
            try await Fixtures.student("Jonas Berg", email: "jonas@example.com", on: t.app)
            let id = try student.requireID()
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = try await browser.get("/students/\(id)").body.string
            #expect(page.contains("Archiving hides Emma Johansson"), "the page says what archive does")
            #expect(page.contains(#"class="secondary" id="archive-student""#), "Archive is not styled like Save")
            #expect(page.contains(#"data-confirm="Archive Emma Johansson?"#))
            // when
            #expect(try await browser.post("/students/\(id)/archive", form: [:]).status == .seeOther)
            // then: gone from the list, in the archived view, restorable
            let list = try await browser.get("/students").body.string
            #expect(!list.contains("Emma Johansson"))
            #expect(list.contains("Archived students (1)"))
            let archived = try await browser.get("/students?archived=only").body.string
            #expect(archived.contains("Emma Johansson"))
            #expect(!archived.contains("Jonas Berg"))
            #expect(try await browser.get("/students/\(id)").body.string.contains(#"id="restore-student""#))
            #expect(try await browser.post("/students/\(id)/restore", form: [:]).status == .seeOther)
            #expect(try await Student.find(id, on: t.app.db)?.archivedAt == nil)
            #expect(try await browser.get("/students").body.string.contains("Emma Johansson"))
        }
    }

    @Test func anArchivedStudentCannotBeChangedThroughTheAPIEvenWithFollowUps() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let id = try student.requireID()
            let followUp = try await t.app.testing().sendRequest(.POST, "/api/follow-ups", headers: t.bearer,
                body: try jsonBody(["student_id": id.uuidString, "text": "Bring the draft"]))
            #expect(followUp.status == .created)
            // when
            let archived = try await t.app.testing().sendRequest(.DELETE, "/api/students/\(id)?purge=false", headers: t.bearer)
            let patched = try await t.app.testing().sendRequest(.PATCH, "/api/students/\(id)", headers: t.bearer, body: try jsonBody(["notes": "changed"]))
            // then
            #expect(archived.status == .ok)
            #expect(patched.status == .notFound)
            let stored = try #require(try await Student.find(id, on: t.app.db))
            #expect(stored.archivedAt != nil && stored.notes == "")
        }
    }

    @Test func theAPIRestoresAnArchivedStudent() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let id = try student.requireID()
            #expect(try await t.app.testing().sendRequest(.DELETE, "/api/students/\(id)", headers: t.bearer).status == .ok)
            #expect(try await t.app.testing().sendRequest(.GET, "/api/students/\(id)", headers: t.bearer).status == .notFound)
            let restored = try await t.app.testing().sendRequest(.POST, "/api/students/\(id)/restore", headers: t.bearer)
            #expect(restored.status == .ok)
            #expect(try restored.json()["archived_at"] is NSNull)
            #expect(try await t.app.testing().sendRequest(.GET, "/api/students/\(id)", headers: t.bearer).status == .ok)
            #expect(try await t.app.testing().sendRequest(.POST, "/api/students/\(UUID())/restore", headers: t.bearer).status == .notFound)
        }
    }
}
