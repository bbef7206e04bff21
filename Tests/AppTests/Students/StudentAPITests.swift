@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Student API")
struct StudentAPITests {
    @Test func createThenReadGivesEveryColumn() async throws {
        try await withTestApp { t in
            // when
            let created = try await t.app.testing().sendRequest(.POST, "/api/students", headers: t.bearer,
                body: try jsonBody(["name": "  Grace Hopper ", "email": "Grace@Example.COM", "notes": "COBOL"]))
            // then
            #expect(created.status == .created)
            let json = try created.json()
            #expect(json["name"] as? String == "Grace Hopper")
            #expect(json["email"] as? String == "grace@example.com")
            #expect(json["source"] as? String == "manual")
            for key in ["id", "phone", "notes", "archived_at", "created_at", "updated_at"] {
                #expect(json.keys.contains(key), "missing \(key)")
            }
            let id = try #require(json["id"] as? String)
            let read = try await t.app.testing().sendRequest(.GET, "/api/students/\(id)", headers: t.bearer)
            #expect(read.status == .ok)
            #expect(try read.json()["consultations"] as? [Any] != nil)
        }
    }

    @Test func searchMatchesNameEmailAndNotesIgnoringCase() async throws {
        try await withTestApp { t in
            // given
            try await Fixtures.student("Ada Lovelace", email: "ada@example.com", on: t.app)
            try await Fixtures.student("Alan Turing", email: "alan@bletchley.org", on: t.app)
            try await Fixtures.student("Edsger Dijkstra", email: "", notes: "Likes GOTO debates", on: t.app)
            // when / then
            // Form encoding: `+` and `%20` are spaces; with other parameters too.
            for (query, expected) in [("lovelace", "Ada Lovelace"), ("BLETCHLEY", "Alan Turing"), ("goto", "Edsger Dijkstra"),
                                      ("ada+love", "Ada Lovelace"), ("alan%20tur&limit=5", "Alan Turing"), ("goto+deb&offset=0", "Edsger Dijkstra")] {
                let response = try await t.app.testing().sendRequest(.GET, "/api/students?q=\(query)", headers: t.bearer)
                let json = try response.json()
                let names = (json["students"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                #expect(names == [expected], "query \(query)")
                #expect(json["total"] as? Int == 1)
            }
        }
    }

    @Test func listPaginatesAndCountsTotal() async throws {
        try await withTestApp { t in
            for index in 0..<7 { try await Fixtures.student("Student \(index)", email: "s\(index)@example.com", on: t.app) }
            let response = try await t.app.testing().sendRequest(.GET, "/api/students?limit=3&offset=6", headers: t.bearer)
            let json = try response.json()
            #expect(json["total"] as? Int == 7)
            #expect((json["students"] as? [Any])?.count == 1)
        }
    }

    @Test func patchChangesOnlyGivenFields() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student("Ada", email: "ada@example.com", notes: "keep me", on: t.app)
            let response = try await t.app.testing().sendRequest(.PATCH, "/api/students/\(try student.requireID())", headers: t.bearer,
                body: try jsonBody(["phone": "+44 20 7946 0000"]))
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["phone"] as? String == "+44 20 7946 0000")
            #expect(json["notes"] as? String == "keep me")
            #expect(json["name"] as? String == "Ada")
        }
    }

    @Test func duplicateEmailIsAConflictWhateverItsCase() async throws {
        try await withTestApp { t in
            try await Fixtures.student("Ada", email: "ada@example.com", on: t.app)
            let response = try await t.app.testing().sendRequest(.POST, "/api/students", headers: t.bearer,
                body: try jsonBody(["name": "Other Ada", "email": "ADA@example.com"]))
            #expect(response.status == .conflict)
            #expect(try response.errorCode().field == "email")
            #expect(try await Student.query(on: t.app.db).count() == 1)
        }
    }

    @Test func deleteArchivesAndPurgeErasesWithConsultations() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let id = try student.requireID()
            try await Fixtures.consultation(for: student, on: t.app)
            // when archived
            let archived = try await t.app.testing().sendRequest(.DELETE, "/api/students/\(id)", headers: t.bearer)
            #expect(archived.status == .ok)
            #expect(try archived.json()["archived_at"] as? String != nil)
            let list = try await t.app.testing().sendRequest(.GET, "/api/students", headers: t.bearer)
            #expect(try list.json()["total"] as? Int == 0)
            #expect(try await t.app.testing().sendRequest(.GET, "/api/students/\(id)", headers: t.bearer).status == .notFound)
            let archivedList = try await t.app.testing().sendRequest(.GET, "/api/students?include_archived=true", headers: t.bearer)
            #expect(try archivedList.json()["total"] as? Int == 1)
            // when purged
            let purged = try await t.app.testing().sendRequest(.DELETE, "/api/students/\(id)?purge=true", headers: t.bearer)
            #expect(purged.status == .noContent)
            #expect(try await Student.find(id, on: t.app.db) == nil)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }

    @Test(arguments: [
        (#"{"email": "a@b.co"}"#, 400, "name"),
        (#"{"name": ""}"#, 422, "name"),
        (#"{"name": "   "}"#, 422, "name"),
        (#"{"name": "X", "email": "not-an-email"}"#, 422, "email"),
        (#"{"name": 42}"#, 400, "name"),
        (#"not json"#, 400, "body"),
        (#""#, 400, "body"),
    ])
    func badStudentInputNamesTheFieldAndSavesNothing(body: String, status: Int, field: String) async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.POST, "/api/students", headers: t.bearer, body: rawBody(body))
            #expect(response.status.code == UInt(status))
            #expect(try response.errorCode().field == field)
            #expect(try await Student.query(on: t.app.db).count() == 0)
        }
    }

    @Test func idThatIsNotAUUIDIsABadRequest() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/students/42", headers: t.bearer)
            #expect(response.status == .badRequest)
            #expect(try response.errorCode().field == "id")
        }
    }

    @Test func unknownStudentIsNotFound() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/students/\(UUID())", headers: t.bearer)
            #expect(response.status == .notFound)
            #expect(try response.errorCode().code == "not_found")
        }
    }
}
