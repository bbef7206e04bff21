@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Follow-up API")
struct FollowUpAPITests {
    private func post(_ t: TestApp, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await t.app.testing().sendRequest(.POST, "/api/follow-ups", headers: t.bearer, body: try jsonBody(body))
    }

    @Test func addedInAConsultationItBelongsToItsStudentAndShowsInBothJSONs() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let consultation = try await Fixtures.consultation(for: student, startsIn: -3600, on: t.app)
            let consultationID = try consultation.requireID().uuidString
            // when
            let created = try await post(t, ["consultation_id": consultationID, "text": "Send the reading list", "due_on": "2030-02-01"])
            // then
            #expect(created.status == .created)
            let json = try created.json()
            #expect(json["student_id"] as? String == (try student.requireID().uuidString))
            #expect(json["consultation_id"] as? String == consultationID)
            #expect(json["owner"] as? String == "mentor")
            #expect(json["due_on"] as? String == "2030-02-01")
            #expect(json["done_at"] is NSNull)
            let read = try await t.app.testing().sendRequest(.GET, "/api/consultations/\(consultationID)", headers: t.bearer).json()
            #expect((read["follow_ups"] as? [[String: Any]])?.map { $0["text"] as? String } == ["Send the reading list"])
            let studentJSON = try await t.app.testing().sendRequest(.GET, "/api/students/\(try student.requireID())", headers: t.bearer).json()
            #expect((studentJSON["open_follow_ups"] as? [[String: Any]])?.count == 1)
            let listed = try await t.app.testing().sendRequest(.GET, "/api/students", headers: t.bearer).json()
            #expect((listed["students"] as? [[String: Any]])?.first?["open_follow_ups"] == nil)
        }
    }

    @Test func openOnesComeSoonestDueFirstAndUndatedLast() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let id = try student.requireID().uuidString
            for (text, due) in [("undated", nil), ("later", "2030-03-01"), ("sooner", "2030-01-15"), ("done one", "2029-01-01")] as [(String, String?)] {
                var body: [String: Any] = ["student_id": id, "text": text]
                if let due { body["due_on"] = due }
                let response = try await post(t, body)
                #expect(response.status == .created)
                if text == "done one" {
                    let doneID = try #require(try response.json()["id"] as? String)
                    let patched = try await t.app.testing().sendRequest(.PATCH, "/api/follow-ups/\(doneID)", headers: t.bearer, body: try jsonBody(["done": true]))
                    #expect(try patched.json()["done_at"] is String)
                }
            }
            // when
            let open = try await t.app.testing().sendRequest(.GET, "/api/follow-ups?student_id=\(id)", headers: t.bearer).json()
            let done = try await t.app.testing().sendRequest(.GET, "/api/follow-ups?state=done", headers: t.bearer).json()
            let all = try await t.app.testing().sendRequest(.GET, "/api/follow-ups?state=all", headers: t.bearer).json()
            // then
            #expect((open["follow_ups"] as? [[String: Any]])?.map { $0["text"] as? String } == ["sooner", "later", "undated"])
            #expect(open["total"] as? Int == 3)
            #expect((done["follow_ups"] as? [[String: Any]])?.map { $0["text"] as? String } == ["done one"])
            #expect((all["follow_ups"] as? [[String: Any]])?.map { $0["text"] as? String } == ["sooner", "later", "undated", "done one"])
        }
    }

    @Test func patchChangesOnlyWhatIsSentAndNullClearsTheDate() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let created = try await post(t, ["student_id": try student.requireID().uuidString, "text": "Draft the essay", "owner": "student", "due_on": "2030-05-05"]).json()
            let id = try #require(created["id"] as? String)
            // when
            let renamed = try await t.app.testing().sendRequest(.PATCH, "/api/follow-ups/\(id)", headers: t.bearer, body: try jsonBody(["text": "Draft the first essay"])).json()
            let cleared = try await t.app.testing().sendRequest(.PATCH, "/api/follow-ups/\(id)", headers: t.bearer, body: rawBody(#"{"due_on": null}"#)).json()
            let reopened = try await t.app.testing().sendRequest(.PATCH, "/api/follow-ups/\(id)", headers: t.bearer, body: try jsonBody(["done": false])).json()
            // then
            #expect(renamed["text"] as? String == "Draft the first essay" && renamed["owner"] as? String == "student" && renamed["due_on"] as? String == "2030-05-05")
            #expect(cleared["due_on"] is NSNull && cleared["text"] as? String == "Draft the first essay")
            #expect(reopened["done_at"] is NSNull && reopened["updated_at"] as? String == cleared["updated_at"] as? String)
            let deleted = try await t.app.testing().sendRequest(.DELETE, "/api/follow-ups/\(id)", headers: t.bearer)
            #expect(deleted.status == .noContent)
            #expect(try await t.app.testing().sendRequest(.GET, "/api/follow-ups/\(id)", headers: t.bearer).status == .notFound)
        }
    }

    @Test func badInputNamesTheFieldAndSavesNothing() async throws {
        try await withTestApp { t in
            // given
            let ada = try await Fixtures.student(on: t.app)
            let alan = try await Fixtures.student("Alan Turing", email: "alan@example.com", on: t.app)
            let alansMeeting = try await Fixtures.consultation(for: alan, on: t.app)
            let adaID = try ada.requireID().uuidString
            let cases: [(body: [String: Any], status: HTTPStatus, field: String)] = [
                (["student_id": adaID, "text": "   "], .unprocessableEntity, "text"),
                (["student_id": adaID, "text": String(repeating: "é", count: 2_001)], .unprocessableEntity, "text"),
                (["student_id": adaID, "text": "x", "due_on": "2030-02-30"], .unprocessableEntity, "due_on"),
                (["student_id": adaID, "text": "x", "due_on": "next Friday"], .unprocessableEntity, "due_on"),
                (["student_id": adaID, "text": "x", "owner": "parent"], .unprocessableEntity, "owner"),
                (["student_id": adaID, "text": "x", "consultation_id": try alansMeeting.requireID().uuidString], .unprocessableEntity, "consultation_id"),
                (["student_id": UUID().uuidString, "text": "x"], .notFound, "student_id"),
                (["consultation_id": UUID().uuidString, "text": "x"], .notFound, "consultation_id"),
                (["text": "x"], .unprocessableEntity, "student_id"),
                (["student_id": "not-a-uuid", "text": "x"], .badRequest, "student_id"),
                (["student_id": adaID, "text": 5], .badRequest, "text"),
            ]
            for c in cases {
                // when
                let response = try await post(t, c.body)
                // then
                #expect(response.status == c.status, "\(c.body)")
                #expect(try response.errorCode().field == c.field, "\(c.body)")
            }
            #expect(try await FollowUp.query(on: t.app.db).count() == 0)
            let badState = try await t.app.testing().sendRequest(.GET, "/api/follow-ups?state=maybe", headers: t.bearer)
            #expect(badState.status == .badRequest)
            #expect(try badState.errorCode().field == "state")
        }
    }

    @Test func aRefusedPatchChangesNothing() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let created = try await post(t, ["student_id": try student.requireID().uuidString, "text": "Keep me", "due_on": "2030-01-01"]).json()
            let id = try #require(created["id"] as? String)
            // when
            let response = try await t.app.testing().sendRequest(.PATCH, "/api/follow-ups/\(id)", headers: t.bearer,
                body: try jsonBody(["text": "Changed", "due_on": "soon", "done": true]))
            // then
            #expect(response.status == .unprocessableEntity)
            #expect(try response.errorCode().field == "due_on")
            let stored = try await t.app.testing().sendRequest(.GET, "/api/follow-ups/\(id)", headers: t.bearer).json()
            #expect(stored["text"] as? String == "Keep me" && stored["done_at"] is NSNull && stored["updated_at"] as? String == created["updated_at"] as? String)
        }
    }

    @Test func erasingAStudentErasesTheirFollowUpsAndDeletingAMeetingKeepsThem() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let consultation = try await Fixtures.consultation(for: student, on: t.app)
            let created = try await post(t, ["consultation_id": try consultation.requireID().uuidString, "text": "Bring the draft"]).json()
            let id = try #require(created["id"] as? String)
            // when
            let deleted = try await t.app.testing().sendRequest(.DELETE, "/api/consultations/\(try consultation.requireID())", headers: t.bearer)
            // then
            #expect(deleted.status == .noContent)
            let kept = try await t.app.testing().sendRequest(.GET, "/api/follow-ups/\(id)", headers: t.bearer).json()
            #expect(kept["consultation_id"] is NSNull)
            // when
            let purged = try await t.app.testing().sendRequest(.DELETE, "/api/students/\(try student.requireID())?purge=true", headers: t.bearer)
            // then
            #expect(purged.status == .noContent)
            #expect(try await FollowUp.query(on: t.app.db).count() == 0)
        }
    }
}
