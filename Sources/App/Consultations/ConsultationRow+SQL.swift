import Fluent
import Foundation
import SQLKit

/// Every statement on `consultations` that the hot paths run, written with SQLKit over `Column`.
extension ConsultationRow {
    private static let columns: [any SQLExpression] = Column.allCases.map { SQLColumn($0.rawValue) }

    static func find(inviteeURIs: [String], on sql: any SQLDatabase) async throws -> [ConsultationRow] {
        try await sql.select().columns(columns).from(table)
            .where(SQLColumn(Column.calendlyInviteeURI.rawValue), .in, SQLBind.group(inviteeURIs))
            .all(decoding: ConsultationRow.self)
    }

    /// Inserts new rows in one statement; a nil value is written as NULL so every row has every column.
    static func insert(_ rows: [ConsultationRow], on sql: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        try await sql.insert(into: table).models(rows, nilEncodingStrategy: .asNil).run()
    }

    static func count(studentID: UUID, on sql: any SQLDatabase) async throws -> Int {
        try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from(table)
            .where(SQLColumn(Column.studentID.rawValue), .equal, SQLBind(studentID))
            .first(decodingColumn: "count", as: Int.self) ?? 0
    }

    /// Writes the columns that differ from `stored` (the row as read), and `updated_at`. Columns
    /// this change did not touch are left alone, so an edit the owner saved meanwhile (notes,
    /// topic, status) is kept. A value Calendly no longer sends becomes NULL.
    mutating func update(on sql: any SQLDatabase, changedFrom stored: ConsultationRow, now: Date = Date()) async throws {
        updatedAt = now
        let update = sql.update(Self.table)
        for column in Self.writableColumns where column.differs(self, stored) {
            update.set(SQLColumn(column.key.rawValue), to: SQLBind(column.value(self)))
        }
        try await update.set(SQLColumn(Column.updatedAt.rawValue), to: SQLBind(now))
            .where(SQLColumn(Column.id.rawValue), .equal, SQLBind(id)).run()
    }

    /// A column an update may write: its name, its value, and whether two rows differ in it.
    private struct WritableColumn: Sendable {
        let key: Column
        let value: @Sendable (ConsultationRow) -> any Encodable & Sendable
        let differs: @Sendable (ConsultationRow, ConsultationRow) -> Bool

        init<Value: Equatable & Encodable & Sendable>(_ key: Column, _ read: @escaping @Sendable (ConsultationRow) -> Value) {
            self.key = key
            value = read
            differs = { read($0) != read($1) }
        }
    }

    /// Every column but `id`, `created_at` and `updated_at`.
    private static let writableColumns: [WritableColumn] = [
        .init(.studentID, \.studentID), .init(.type, \.type), .init(.consultationDate, \.consultationDate),
        .init(.duration, \.duration), .init(.notes, \.notes), .init(.topic, \.topic), .init(.followUpNotes, \.followUpNotes),
        .init(.status, \.status), .init(.endDate, \.endDate), .init(.location, \.location), .init(.joinURL, \.joinURL),
        .init(.calendlyEventURI, \.calendlyEventURI), .init(.calendlyInviteeURI, \.calendlyInviteeURI),
        .init(.calendlyEventTypeURI, \.calendlyEventTypeURI), .init(.cancelURL, \.cancelURL),
        .init(.rescheduleURL, \.rescheduleURL), .init(.cancelReason, \.cancelReason), .init(.canceledBy, \.canceledBy),
        .init(.canceledAt, \.canceledAt), .init(.rescheduledFromID, \.rescheduledFromID),
        .init(.rescheduledToID, \.rescheduledToID), .init(.questionsAndAnswersJSON, \.questionsAndAnswersJSON),
        .init(.inviteeTimezone, \.inviteeTimezone), .init(.calendlyUpdatedAt, \.calendlyUpdatedAt),
        .init(.calendlyNoShow, \.calendlyNoShow), .init(.noShowChangedAt, \.noShowChangedAt),
        .init(.schedulingMethod, \.schedulingMethod), .init(.inviteeScheduledBy, \.inviteeScheduledBy),
        .init(.reconfirmationRequestedAt, \.reconfirmationRequestedAt), .init(.reconfirmedAt, \.reconfirmedAt),
        .init(.noShowMarkURI, \.noShowMarkURI), .init(.noShowSent, \.noShowSent), .init(.noShowSendError, \.noShowSendError),
        .init(.moved, \.moved),
    ]

    /// The columns an update writes: a column added to `Column` and forgotten above would never be
    /// updated, so `SchemaAgreementTests` checks this is every column but the three it must skip.
    static var writableColumnNames: [String] { writableColumns.map(\.key.rawValue) }

    // MARK: - Upcoming

    /// Meetings still to come: scheduled and not yet ended, soonest first, with their students.
    static func upcoming(now: Date, includeCanceled: Bool, studentID: UUID?, from: Date?, until: Date? = nil, limit: Int,
                         on sql: any SQLDatabase) async throws -> [WithStudent] {
        func c(_ column: Column) -> SQLColumn { SQLColumn(column.rawValue, table: "c") }
        let statuses = includeCanceled ? [ConsultationStatus.scheduled, .canceled] : [.scheduled]
        let columns: [any SQLExpression] = Column.allCases.map(c) + [
            SQLAlias(SQLColumn(StudentRow.Column.name.rawValue, table: "s"), as: SQLIdentifier(WithStudent.StudentKeys.studentName.rawValue)),
            SQLAlias(SQLColumn(StudentRow.Column.email.rawValue, table: "s"), as: SQLIdentifier(WithStudent.StudentKeys.studentEmail.rawValue)),
        ]
        let query = sql.select()
            .columns(columns)
            .from(SQLAlias(SQLIdentifier(table), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier(StudentRow.table), as: SQLIdentifier("s")),
                  on: SQLColumn(StudentRow.Column.id.rawValue, table: "s"), .equal, c(.studentID))
            .where(c(.status), .in, SQLGroupExpression(statuses.map { SQLBind($0.rawValue) }))
            // Meetings last at most a day, so nothing that started earlier can still be running; the
            // bound lets the (status, consultation_date) index skip the past instead of reading it all.
            .where(c(.consultationDate), .greaterThan, SQLBind(now.addingTimeInterval(-24 * 3600)))
            .where { group in
                group.where(c(.endDate), .greaterThan, SQLBind(now))
                    .orWhere { both in
                        both.where(c(.endDate), .is, SQLLiteral.null)
                            .where(c(.consultationDate), .greaterThan, SQLBind(now))
                    }
            }
        if let studentID { query.where(c(.studentID), SQLBinaryOperator.equal, SQLBind(studentID)) }
        if let from { query.where(c(.consultationDate), SQLBinaryOperator.greaterThanOrEqual, SQLBind(from)) }
        if let until { query.where(c(.consultationDate), SQLBinaryOperator.lessThan, SQLBind(until)) }
        // By start alone: a second sort key would make SQLite sort every match instead of
        // reading the index in order and stopping at the limit.
        return try await query.orderBy(c(.consultationDate)).limit(limit).all(decoding: WithStudent.self)
    }

    // MARK: - Brief

    /// A student's latest meetings before `date` that were held or marked no-show, newest first.
    static func previousMarked(studentID: UUID, before date: Date, limit: Int, on sql: any SQLDatabase) async throws -> [ConsultationRow] {
        try await sql.select().columns(columns).from(table)
            .where(SQLColumn(Column.studentID.rawValue), .equal, SQLBind(studentID))
            .where(SQLColumn(Column.consultationDate.rawValue), .lessThan, SQLBind(date))
            .where(SQLColumn(Column.status.rawValue), .in, SQLBind.group([ConsultationStatus.completed.rawValue, ConsultationStatus.noShow.rawValue]))
            .orderBy(Column.consultationDate.rawValue, .descending)
            .limit(limit)
            .all(decoding: ConsultationRow.self)
    }

    /// How many meetings ended each way: a student's whole history, or those that started in
    /// [from, to) (Today's attendance), or both.
    static func statusCounts(studentID: UUID? = nil, from: Date? = nil, to: Date? = nil, on sql: any SQLDatabase) async throws -> [ConsultationStatus: Int] {
        struct Count: Decodable { var status: String; var count: Int }
        let query = sql.select().column(Column.status.rawValue).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count").from(table)
        if let studentID { query.where(SQLColumn(Column.studentID.rawValue), .equal, SQLBind(studentID)) }
        if let from, let to {
            // The status list lets the (status, consultation_date) index serve the range.
            query.where(SQLColumn(Column.status.rawValue), .in, SQLBind.group([ConsultationStatus.completed, .noShow, .canceled].map(\.rawValue)))
                .where(SQLColumn(Column.consultationDate.rawValue), .greaterThanOrEqual, SQLBind(from))
                .where(SQLColumn(Column.consultationDate.rawValue), .lessThan, SQLBind(to))
        }
        let rows = try await query.groupBy(Column.status.rawValue).all(decoding: Count.self)
        var counts: [ConsultationStatus: Int] = [:]
        for row in rows { if let status = ConsultationStatus(rawValue: row.status) { counts[status] = row.count } }
        return counts
    }

    /// When the student's latest held meeting before `date` started.
    static func lastHeld(studentID: UUID, before date: Date, on sql: any SQLDatabase) async throws -> Date? {
        try await sql.select().columns(columns).from(table)
            .where(SQLColumn(Column.studentID.rawValue), .equal, SQLBind(studentID))
            .where(SQLColumn(Column.consultationDate.rawValue), .lessThan, SQLBind(date))
            .where(SQLColumn(Column.status.rawValue), .equal, SQLBind(ConsultationStatus.completed.rawValue))
            .orderBy(Column.consultationDate.rawValue, .descending)
            .limit(1)
            .first(decoding: ConsultationRow.self)?.consultationDate
    }
}
