import Fluent
import Foundation
import SQLKit

extension FollowUp {
    /// The API's list: open ones soonest due first and undated last, then done ones, latest first.
    static func list(studentID: UUID?, state: FollowUpState, on db: any Database) -> QueryBuilder<FollowUp> {
        let query = FollowUp.query(on: db)
        if let studentID { query.filter(\.$student.$id == studentID) }
        switch state {
        case .open: query.filter(\.$doneAt == nil)
        case .done: query.filter(\.$doneAt != nil)
        case .all: break
        }
        return query
            .sort(.sql(unsafeRaw: "CASE WHEN done_at IS NULL THEN 0 ELSE 1 END"))
            .sort(.sql(unsafeRaw: "CASE WHEN done_at IS NULL AND due_on IS NULL THEN 1 ELSE 0 END"))
            .sort(.sql(unsafeRaw: "CASE WHEN done_at IS NULL THEN due_on END"))
            .sort(\.$doneAt, .descending)
            .sort(\.$createdAt)
            .sort(\.$id)
    }

    /// The follow-ups agreed in each of these consultations, in list order.
    static func agreed(in consultationIDs: [UUID], on db: any Database) async throws -> [UUID: [FollowUp]] {
        guard !consultationIDs.isEmpty else { return [:] }
        let all = try await list(studentID: nil, state: .all, on: db)
            .filter(\.$consultation.$id ~~ consultationIDs).all()
        return Dictionary(grouping: all) { $0.$consultation.id ?? UUID() }
    }

    /// How many follow-ups a student has, for the booking path, which speaks SQL.
    static func count(studentID: UUID, on sql: any SQLDatabase) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from(schema)
            .where(SQLColumn("student_id"), .equal, SQLBind(studentID))
            .first(decodingColumn: "count", as: Int.self) ?? 0
    }

    /// A student's open follow-ups, soonest due first.
    static func open(studentID: UUID, on db: any Database) async throws -> [FollowUp] {
        try await list(studentID: studentID, state: .open, on: db).all()
    }
}
