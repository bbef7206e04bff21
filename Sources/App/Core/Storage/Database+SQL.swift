import Fluent
import SQLKit

extension Database {
    /// Both supported drivers speak SQL; this gives raw-SQL access without a force cast.
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            throw FluentError.invalidField(name: "database", valueType: Self.self, error: SQLDriverMissing())
        }
        return sql
    }
}

private struct SQLDriverMissing: Error {}

extension CodingKey {
    /// The column as a Fluent field key, so a model names its fields with its row type's columns.
    var field: FieldKey { FieldKey(stringLiteral: stringValue) }
}
