import Fluent

extension CodingKey {
    /// The column as a Fluent field key, so a model names its fields with its row type's columns.
    var field: FieldKey { FieldKey(stringLiteral: stringValue) }
}
