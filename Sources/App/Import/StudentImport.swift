import Fluent
import Foundation
import Vapor

/// Importing students from CSV (SPEC 12): every row planned and checked first (the dry run), then
/// applied all or nothing in one transaction. A row whose email matches a student fills only that
/// student's empty fields; nothing is overwritten.
struct StudentImport {
    let db: any Database
    let writer: DatabaseWriter

    enum Action: String, Codable, Sendable {
        case create, update, skip, error
    }

    struct RowResult: Content {
        var row: Int
        var action: Action
        var name: String
        var email: String
        @NullEncoded var field: String?
        @NullEncoded var message: String?
        /// For an update: the fields it fills.
        var fills: [String]
    }

    struct Report: Content {
        var dryRun: Bool
        var rows: [RowResult]
        var totals: [String: Int]
        var ignoredColumns: [String]

        enum CodingKeys: String, CodingKey {
            case dryRun = "dry_run", rows, totals, ignoredColumns = "ignored_columns"
        }

        var errorCount: Int { totals[Action.error.rawValue] ?? 0 }
    }

    /// What a row would do, with its checked values.
    private struct Planned {
        var result: RowResult
        var phone: String
        var notes: String
        var existing: Student?
    }

    func run(_ data: Data, dryRun: Bool) async throws -> Report {
        let csv: StudentCSV
        do {
            csv = try StudentCSV.parse(data)
        } catch let problem as ImportProblem {
            throw problem.appError
        }
        let planned = try await plan(csv)
        var report = Report(dryRun: dryRun, rows: planned.map(\.result), totals: [:], ignoredColumns: csv.ignored)
        for action in [Action.create, .update, .skip, .error] {
            report.totals[action.rawValue] = planned.filter { $0.result.action == action }.count
        }
        guard !dryRun else { return report }
        guard report.errorCount == 0 else {
            throw AppError.invalid(field: "rows", message: "\(report.errorCount) row\(report.errorCount == 1 ? " has an error" : "s have errors"); nothing was imported. Run a dry run to see them.")
        }
        try await writer.transaction(on: db) { db in
            for row in planned {
                switch row.result.action {
                case .create:
                    let student = Student(name: row.result.name, email: row.result.email, phone: row.phone, notes: row.notes, source: .import)
                    try await student.create(on: db)
                case .update:
                    guard let id = row.existing?.id, let student = try await Student.find(id, on: db) else { continue }
                    if student.phone.isEmpty, !row.phone.isEmpty { student.phone = row.phone }
                    if student.notes.isEmpty, !row.notes.isEmpty { student.notes = row.notes }
                    if student.hasChanges { try await student.save(on: db) }
                case .skip, .error:
                    continue
                }
            }
        }
        return report
    }

    private func plan(_ csv: StudentCSV) async throws -> [Planned] {
        let emails = csv.rows.map { FieldRules.normalizedEmail(StudentCSV.value($0, csv.columns.email)) }.filter { !$0.isEmpty }
        var existing: [String: Student] = [:]
        for chunk in emails.chunked(500) {
            for student in try await Student.query(on: db).filter(\.$email ~~ chunk).all() { existing[student.email] = student }
        }
        var seen = Set<String>()
        return csv.rows.map { row in
            let name = csv.name(of: row)
            let rawEmail = StudentCSV.value(row, csv.columns.email)
            var result = RowResult(row: row.number, action: .create, name: name, email: rawEmail.trimmingCharacters(in: .whitespaces),
                                   field: nil, message: nil, fills: [])
            func refuse(_ field: String, _ message: String) -> Planned {
                result.action = .error
                result.field = field
                result.message = message
                return Planned(result: result, phone: "", notes: "", existing: nil)
            }
            if row.ragged {
                return refuse("row", "has \(row.fields.count) fields but the header names \(csv.header.count)")
            }
            var errors = FieldErrors()
            let checkedName = errors.collect { try FieldRules.requiredText(name, field: "name", maxLength: FieldRules.Limit.name) }
            let email = errors.collect { try FieldRules.email(rawEmail) }
            let phone = errors.collect { try FieldRules.optionalText(StudentCSV.value(row, csv.columns.phone), field: "phone", maxLength: FieldRules.Limit.phone) }
            let notes = errors.collect { try FieldRules.optionalText(StudentCSV.value(row, csv.columns.notes), field: "notes", maxLength: FieldRules.Limit.prose) }
            if let first = errors.byField.first { return refuse(first.field, first.message) }
            result.name = checkedName ?? name
            result.email = email ?? ""
            if let email, !email.isEmpty {
                guard seen.insert(email).inserted else {
                    result.action = .skip
                    result.message = "the same email is on an earlier row"
                    return Planned(result: result, phone: "", notes: "", existing: nil)
                }
                if let student = existing[email] {
                    result.action = .update
                    result.fills = [("phone", student.phone, phone ?? ""), ("notes", student.notes, notes ?? "")]
                        .filter { $0.1.isEmpty && !$0.2.isEmpty }.map(\.0)
                    return Planned(result: result, phone: phone ?? "", notes: notes ?? "", existing: student)
                }
            }
            return Planned(result: result, phone: phone ?? "", notes: notes ?? "", existing: nil)
        }
    }
}

extension Request {
    var studentImport: StudentImport { StudentImport(db: db, writer: application.databaseWriter) }
}

extension StudentImport {
    /// Runs the import and records an applied one (or a refused one) in the audit log; dry runs change
    /// nothing and are not recorded.
    func audited(_ data: Data, dryRun: Bool, log: AuditLog) async throws -> Report {
        do {
            let report = try await run(data, dryRun: dryRun)
            if !dryRun {
                let totals = ["create", "update", "skip"].map { "\(report.totals[$0] ?? 0) \($0)" }.joined(separator: ", ")
                await log.record(.studentsImported, .succeeded, totals)
            }
            return report
        } catch let error as AppError where !dryRun {
            await log.record(.studentsImported, .failed, "refused: \(error.reason)")
            throw error
        }
    }
}
