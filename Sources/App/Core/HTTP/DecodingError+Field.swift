import Foundation

extension DecodingError {
    /// The snake_case name of the field the decoder stopped at, as clients spell it.
    var fieldName: String {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: path = []
        }
        let names = path.map { $0.intValue.map(String.init) ?? $0.stringValue.snakeCased }
        return names.isEmpty ? "body" : names.joined(separator: ".")
    }

    /// A message without Swift type names.
    var plainMessage: String {
        switch self {
        case .keyNotFound: return "is required"
        case .typeMismatch(let type, _): return "must be \(Self.describe(type))"
        case .valueNotFound(let type, _): return "must be \(Self.describe(type)), not null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "is not valid JSON" }
            return context.debugDescription.contains("date") || context.debugDescription.contains("Date")
                ? "is not an ISO 8601 date-time such as 2025-01-31T14:00:00Z" : "has an invalid value"
        @unknown default: return "is invalid"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is Date.Type: "an ISO 8601 date-time"
        case is UUID.Type: "a UUID"
        default: "a value of the right type"
        }
    }
}

extension String {
    /// `followUpNotes` → `follow_up_notes`.
    var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}
