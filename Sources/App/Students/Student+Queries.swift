import Foundation
import Fluent
import FluentSQL
import SQLKit

extension Student {
    /// Students whose name, email or notes contain `text`, ignoring case, by name; `onlyArchived`
    /// lists the archived ones alone.
    static func search(_ text: String?, includeArchived: Bool, onlyArchived: Bool = false, on db: any Database) -> QueryBuilder<Student> {
        let query = Student.query(on: db)
        if onlyArchived {
            query.filter(\.$archivedAt != nil)
        } else if !includeArchived {
            query.filter(\.$archivedAt == nil)
        }
        if let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            // lower(column) LIKE lower(pattern): LIKE is case-sensitive on PostgreSQL, not on SQLite.
            // `%` and `_` in the text are escaped, so they match themselves rather than anything.
            let pattern = "%" + likeEscaped(text.lowercased()) + "%"
            query.group(.or) { group in
                for column in ["name", "email", "notes"] {
                    group.filter(.sql(embed: "lower(\(ident: Student.schema).\(ident: column)) LIKE \(bind: pattern) ESCAPE '\\'"))
                }
            }
        }
        return query.sort(\.$name).sort(\.$id)
    }

    /// `text` with LIKE's wildcards and its escape character escaped.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// The student with this email (compared case-insensitively), if any. Empty emails match nobody.
    static func find(email: String, on db: any Database) async throws -> Student? {
        let key = FieldRules.normalizedEmail(email)
        guard !key.isEmpty else { return nil }
        // `email <> ''` lets SQLite use the partial unique index instead of scanning the table.
        return try await Student.query(on: db).filter(\.$email == key).filter(.sql(unsafeRaw: "\"students\".\"email\" <> ''")).first()
    }
}
