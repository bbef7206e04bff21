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

    /// Open follow-ups by student, for Today's meetings.
    static func openCounts(studentIDs: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Int] {
        guard !studentIDs.isEmpty else { return [:] }
        struct Count: Decodable { var student_id: UUID; var count: Int }
        let rows = try await sql.select().column("student_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from(schema)
            .where(SQLColumn("student_id"), .in, SQLBind.group(studentIDs))
            .where(SQLColumn("done_at"), .is, SQLLiteral.null)
            .groupBy("student_id")
            .all(decoding: Count.self)
        return Dictionary(rows.map { ($0.student_id, $0.count) }, uniquingKeysWith: { first, _ in first })
    }

    /// Open follow-ups due on or before `day` (`YYYY-MM-DD`), oldest due first, with their student's name.
    static func due(onOrBefore day: String, limit: Int, on sql: any SQLDatabase) async throws -> [TodaySummary.DueFollowUp] {
        try await sql.select()
            .columns(SQLColumn("id", table: "f"), SQLColumn("student_id", table: "f"), SQLColumn("consultation_id", table: "f"),
                     SQLColumn("text", table: "f"), SQLColumn("owner", table: "f"), SQLColumn("due_on", table: "f"))
            .column(SQLColumn("name", table: "s"), as: "student_name")
            .from(SQLAlias(SQLIdentifier(schema), as: SQLIdentifier("f")))
            .join(SQLAlias(SQLIdentifier(StudentRow.table), as: SQLIdentifier("s")), on: SQLColumn("id", table: "s"), .equal, SQLColumn("student_id", table: "f"))
            .where(SQLColumn("done_at", table: "f"), .is, SQLLiteral.null)
            .where(SQLColumn("due_on", table: "f"), .lessThanOrEqual, SQLBind(day))
            .orderBy(SQLColumn("due_on", table: "f"))
            .limit(limit)
            .all(decoding: TodaySummary.DueFollowUp.self)
    }

    /// A student's open follow-ups, soonest due first.
    static func open(studentID: UUID, on db: any Database) async throws -> [FollowUp] {
        try await list(studentID: studentID, state: .open, on: db).all()
    }
}
