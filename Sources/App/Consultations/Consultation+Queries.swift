import Fluent
import Foundation
import SQLKit

extension Consultation {
    /// Meetings still to come: scheduled and not yet ended, soonest first, with their students.
    static func upcoming(now: Date, includeCanceled: Bool, studentID: UUID?, from: Date?, limit: Int,
                         on db: any Database) async throws -> [ConsultationRecord] {
        let statuses = includeCanceled ? [ConsultationStatus.scheduled, .canceled] : [.scheduled]
        let columns: [any SQLExpression] = StoredConsultation.CodingKeys.allCases.map { SQLColumn($0.rawValue, table: "c") } + [
            SQLAlias(SQLColumn("name", table: "s"), as: SQLIdentifier(ConsultationRecord.StudentKeys.studentName.rawValue)),
            SQLAlias(SQLColumn("email", table: "s"), as: SQLIdentifier(ConsultationRecord.StudentKeys.studentEmail.rawValue)),
        ]
        let query = try db.sql().select()
            .columns(columns)
            .from(SQLAlias(SQLIdentifier(Consultation.schema), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier(Student.schema), as: SQLIdentifier("s")), on: SQLColumn("id", table: "s"), .equal, SQLColumn("student_id", table: "c"))
            .where(SQLColumn("status", table: "c"), .in, SQLGroupExpression(statuses.map { SQLBind($0.rawValue) }))
            // Meetings last at most a day, so nothing that started earlier can still be running; the
            // bound lets the (status, consultation_date) index skip the past instead of reading it all.
            .where(SQLColumn("consultation_date", table: "c"), .greaterThan, SQLBind(now.addingTimeInterval(-24 * 3600)))
            .where { group in
                group.where(SQLColumn("end_date", table: "c"), .greaterThan, SQLBind(now))
                    .orWhere { both in
                        both.where(SQLColumn("end_date", table: "c"), .is, SQLLiteral.null)
                            .where(SQLColumn("consultation_date", table: "c"), .greaterThan, SQLBind(now))
                    }
            }
        if let studentID { query.where(SQLColumn("student_id", table: "c"), SQLBinaryOperator.equal, SQLBind(studentID)) }
        if let from { query.where(SQLColumn("consultation_date", table: "c"), SQLBinaryOperator.greaterThanOrEqual, SQLBind(from)) }
        // By start alone: a second sort key would make SQLite sort every match instead of
        // reading the index in order and stopping at the limit.
        return try await query.orderBy(SQLColumn("consultation_date", table: "c")).limit(limit).all(decoding: ConsultationRecord.self)
    }

    /// The consultation list of the API, with its filters.
    static func list(studentID: UUID?, status: ConsultationStatus?, from: Date?, to: Date?, on db: any Database) -> QueryBuilder<Consultation> {
        let query = Consultation.query(on: db).with(\.$student)
        if let studentID { query.filter(\.$student.$id == studentID) }
        if let status { query.filter(\.$status == status) }
        if let from { query.filter(\.$consultationDate >= from) }
        if let to { query.filter(\.$consultationDate < to) }
        return query.sort(\.$consultationDate, .descending).sort(\.$id)
    }
}
