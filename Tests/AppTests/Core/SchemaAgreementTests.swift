@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// A table's columns are named once for the database (the migrations) and once for Swift (the row
/// type). These prove that the migrations, the row type, the Fluent model, the API's JSON and
/// `Resources/openapi.json` name the same fields, so a field added in one place and forgotten in
/// another fails here. Runs on SQLite and, in `make test`, on PostgreSQL.
@Suite struct SchemaAgreementTests {
    /// Columns the API does not show: Calendly's last no-show mark and its time only order
    /// Calendly's toggles (the API shows the outcome as `status`).
    static let consultationColumnsNotInTheAPI: Set<String> = ["calendly_no_show", "no_show_changed_at", "no_show_mark_uri", "no_show_sent"]
    /// Fields of a consultation's JSON that are not its columns: its student's name and email, and
    /// the follow-ups agreed in it.
    static let consultationFieldsNotColumns: Set<String> = ["student_name", "student_email", "follow_ups"]
    /// Fields of a student's JSON that are not columns: their consultations and open follow-ups,
    /// when one student is read by id.
    static let studentFieldsNotColumns: Set<String> = ["consultations", "open_follow_ups"]

    @Test func consultationsAgreeEverywhere() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let consultation = try await Fixtures.consultation(for: student, on: t.app)
            let rowColumns = Set(ConsultationRow.Column.allCases.map(\.rawValue))
            // when
            let migrated = try await Self.columns(of: ConsultationRow.table, on: t.app.db)
            let response = try await t.app.testing().sendRequest(.GET, "/api/consultations/\(try consultation.requireID())", headers: t.bearer)
            let json = Set(try response.json().keys)
            // then
            #expect(migrated == rowColumns, "migrations \(migrated.symmetricDifference(rowColumns).sorted()) differ from ConsultationRow.Column")
            #expect(Set(Consultation.keys.map(\.description)) == rowColumns, "the Consultation model's keys differ from ConsultationRow.Column")
            #expect(Set(ConsultationRow.writableColumnNames) == rowColumns.subtracting(["id", "created_at", "updated_at"]),
                    "ConsultationRow's update skips a column")
            let expectedJSON = rowColumns.subtracting(Self.consultationColumnsNotInTheAPI).union(Self.consultationFieldsNotColumns)
            #expect(json == expectedJSON, "the API's JSON differs in \(json.symmetricDifference(expectedJSON).sorted())")
            let documented = try Self.openAPIProperties(of: "Consultation")
            #expect(documented.properties == json, "openapi.json's Consultation differs in \(documented.properties.symmetricDifference(json).sorted())")
            #expect(documented.required == json, "openapi.json's Consultation does not require \(json.subtracting(documented.required).sorted())")
        }
    }

    @Test func studentsAgreeEverywhere() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let rowColumns = Set(StudentRow.Column.allCases.map(\.rawValue))
            // when
            let migrated = try await Self.columns(of: StudentRow.table, on: t.app.db)
            let single = try await t.app.testing().sendRequest(.GET, "/api/students/\(try student.requireID())", headers: t.bearer)
            let listed = try await t.app.testing().sendRequest(.GET, "/api/students", headers: t.bearer)
            let listedStudent = try #require((try listed.json()["students"] as? [[String: Any]])?.first)
            // then
            #expect(migrated == rowColumns, "migrations \(migrated.symmetricDifference(rowColumns).sorted()) differ from StudentRow.Column")
            #expect(Set(Student.keys.map(\.description)) == rowColumns, "the Student model's keys differ from StudentRow.Column")
            let json = Set(try single.json().keys)
            #expect(json == rowColumns.union(Self.studentFieldsNotColumns), "the API's JSON differs in \(json.symmetricDifference(rowColumns).sorted())")
            #expect(Set(listedStudent.keys) == rowColumns, "a listed student differs in \(Set(listedStudent.keys).symmetricDifference(rowColumns).sorted())")
            let documented = try Self.openAPIProperties(of: "Student")
            #expect(documented.properties == json, "openapi.json's Student differs in \(documented.properties.symmetricDifference(json).sorted())")
        }
    }

    @Test func followUpsAgreeEverywhere() async throws {
        try await withTestApp { t in
            // given
            let student = try await Fixtures.student(on: t.app)
            let created = try await t.app.testing().sendRequest(.POST, "/api/follow-ups", headers: t.bearer,
                body: try jsonBody(["student_id": try student.requireID().uuidString, "text": "Read chapter 2"]))
            // when
            let migrated = try await Self.columns(of: FollowUp.schema, on: t.app.db)
            let json = Set(try created.json().keys)
            // then
            #expect(Set(FollowUp.keys.map(\.description)) == migrated, "the FollowUp model's keys differ from the migration in \(Set(FollowUp.keys.map(\.description)).symmetricDifference(migrated).sorted())")
            #expect(json == migrated, "the API's JSON differs in \(json.symmetricDifference(migrated).sorted())")
            let documented = try Self.openAPIProperties(of: "FollowUp")
            #expect(documented.properties == json && documented.required == json, "openapi.json's FollowUp differs")
        }
    }

    /// A row written by the hot path's SQL reads back through the Fluent model unchanged.
    @Test func aRowWrittenWithSQLReadsBackThroughTheModel() async throws {
        try await withTestApp { t in
            // given
            let sql = try t.app.db.sql()
            let now = Date(timeIntervalSince1970: 1_900_000_000)
            let student = StudentRow(id: UUID(), name: "Ada", email: "ada@example.com", createdAt: now, updatedAt: now)
            var row = ConsultationRow(studentID: student.id, inviteeURI: "https://api.calendly.com/scheduled_events/E/invitees/I",
                                      type: "Mentoring", topic: "Essays", startsAt: now)
            row.location = "zoom"
            row.questionsAndAnswers = [QuestionAndAnswer(question: "Q", answer: "A", position: 0)]
            row.createdAt = now
            row.updatedAt = now
            // when
            try await StudentRow.insert([student], on: sql)
            try await ConsultationRow.insert([row], on: sql)
            // then
            let model = try #require(try await Consultation.find(row.id, on: t.app.db))
            #expect(model.$student.id == student.id && model.topic == "Essays" && model.location == "zoom")
            #expect(model.questionsAndAnswers == row.questionsAndAnswers && model.createdAt == now)
            #expect(try await ConsultationRow.find(inviteeURIs: [row.calendlyInviteeURI!], on: sql) == [row])
            #expect(try await Student.find(student.id, on: t.app.db)?.source == .calendly)
        }
    }

    static func columns(of table: String, on db: any Database) async throws -> Set<String> {
        let sql = try db.sql()
        struct Name: Decodable { var name: String }
        if sql.dialect.name == "sqlite" {
            return Set(try await sql.raw("PRAGMA table_info(\(ident: table))").all(decoding: Name.self).map(\.name))
        }
        return Set(try await sql.raw("SELECT column_name AS name FROM information_schema.columns WHERE table_name = \(bind: table) AND table_schema = current_schema()")
            .all(decoding: Name.self).map(\.name))
    }

    static func openAPIProperties(of schema: String) throws -> (properties: Set<String>, required: Set<String>) {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let definition = try #require(schemas[schema] as? [String: Any])
        let properties = try #require(definition["properties"] as? [String: Any])
        return (Set(properties.keys), Set(definition["required"] as? [String] ?? []))
    }
}
