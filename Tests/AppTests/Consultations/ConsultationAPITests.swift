@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Consultation API")
struct ConsultationAPITests {
    @Test func createByHandAndReadBackWithStudent() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let response = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: try jsonBody([
                "student_id": try student.requireID().uuidString, "type": "Mentoring",
                "consultation_date": "2030-01-31T14:00:00Z", "duration": 45, "topic": "Essays",
            ]))
            #expect(response.status == .created)
            let json = try response.json()
            #expect(json["student_name"] as? String == "Ada Lovelace")
            #expect(json["student_email"] as? String == "ada@example.com")
            #expect(json["consultation_date"] as? String == "2030-01-31T14:00:00Z")
            #expect(json["end_date"] as? String == "2030-01-31T14:45:00Z")
            #expect(json["status"] as? String == "scheduled")
            #expect(json.keys.contains("calendly_invitee_uri"))
            #expect(json["calendly_invitee_uri"] is NSNull)
        }
    }

    @Test func acceptsDatesWithFractionalSeconds() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let response = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: try jsonBody([
                "student_id": try student.requireID().uuidString, "type": "Mentoring",
                "consultation_date": "2030-01-31T14:00:00.000000Z", "duration": 30,
            ]))
            #expect(response.status == .created)
            #expect(try response.json()["consultation_date"] as? String == "2030-01-31T14:00:00Z")
        }
    }

    @Test func editChangesNotesAndStatus() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let consultation = try await Fixtures.consultation(for: student, startsIn: -600, on: t.app)
            let response = try await t.app.testing().sendRequest(.PATCH, "/api/consultations/\(try consultation.requireID())", headers: t.bearer,
                body: try jsonBody(["notes": "Went well", "follow_up_notes": "Send reading list", "status": "completed"]))
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["notes"] as? String == "Went well")
            #expect(json["follow_up_notes"] as? String == "Send reading list")
            #expect(json["status"] as? String == "completed")
            #expect(json["topic"] as? String == "Essays")
        }
    }

    @Test func listFiltersByStudentAndStatus() async throws {
        try await withTestApp { t in
            let ada = try await Fixtures.student("Ada", email: "ada@example.com", on: t.app)
            let alan = try await Fixtures.student("Alan", email: "alan@example.com", on: t.app)
            try await Fixtures.consultation(for: ada, on: t.app)
            try await Fixtures.consultation(for: ada, startsIn: -7200, status: .completed, on: t.app)
            try await Fixtures.consultation(for: alan, on: t.app)
            let byStudent = try await t.app.testing().sendRequest(.GET, "/api/consultations?student_id=\(try ada.requireID())", headers: t.bearer)
            #expect(try byStudent.json()["total"] as? Int == 2)
            let completed = try await t.app.testing().sendRequest(.GET, "/api/consultations?status=completed", headers: t.bearer)
            #expect(try completed.json()["total"] as? Int == 1)
        }
    }

    @Test func deleteRemovesIt() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), on: t.app)
            let response = try await t.app.testing().sendRequest(.DELETE, "/api/consultations/\(try consultation.requireID())", headers: t.bearer)
            #expect(response.status == .noContent)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }

    @Test(arguments: [
        (["type": "Mentoring", "consultation_date": "2030-01-31T14:00:00Z", "duration": 30], 400, "student_id"),
        (["student_id": "nope", "type": "M", "consultation_date": "2030-01-31T14:00:00Z", "duration": 30], 400, "student_id"),
        (["student_id": "STUDENT", "type": "M", "consultation_date": "tomorrow", "duration": 30], 400, "consultation_date"),
        (["student_id": "STUDENT", "type": "M", "consultation_date": "2030-01-31T14:00:00Z", "duration": 0], 422, "duration"),
        (["student_id": "STUDENT", "type": "M", "consultation_date": "2030-01-31T14:00:00Z", "duration": -5], 422, "duration"),
        (["student_id": "STUDENT", "type": "M", "consultation_date": "2030-01-31T14:00:00Z", "duration": "long"], 400, "duration"),
        (["student_id": "STUDENT", "type": "M", "consultation_date": "2030-01-31T14:00:00Z", "duration": 30, "status": "maybe"], 422, "status"),
        (["student_id": "STUDENT", "type": "", "consultation_date": "2030-01-31T14:00:00Z", "duration": 30], 422, "type"),
        (["student_id": "00000000-0000-0000-0000-000000000000", "type": "M", "consultation_date": "2030-01-31T14:00:00Z", "duration": 30], 404, "student_id"),
    ] as [([String: any Sendable], Int, String)])
    func badConsultationInputNamesTheFieldAndSavesNothing(body: [String: any Sendable], status: Int, field: String) async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            var fields = body
            if fields["student_id"] as? String == "STUDENT" { fields["student_id"] = try student.requireID().uuidString }
            let response = try await t.app.testing().sendRequest(.POST, "/api/consultations", headers: t.bearer, body: try jsonBody(fields))
            #expect(response.status.code == UInt(status))
            #expect(try response.errorCode().field == field)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }

    @Test func badFilterValuesAreBadRequests() async throws {
        try await withTestApp { t in
            for (query, field) in [("from=yesterday", "from"), ("student_id=7", "student_id"), ("limit=0", "limit"), ("limit=501", "limit"), ("offset=-1", "offset")] {
                let response = try await t.app.testing().sendRequest(.GET, "/api/consultations?\(query)", headers: t.bearer)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.errorCode().field == field, "\(query)")
            }
        }
    }
}
