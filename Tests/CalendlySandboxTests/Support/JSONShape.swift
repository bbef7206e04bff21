import Foundation

/// A JSON value read without Foundation's number/boolean blur, so a test can tell `true` from `1`.
indirect enum JSONValue: Decodable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let n = try? single.decode(Double.self) { self = .number(n) }
        else if let s = try? single.decode(String.self) { self = .string(s) }
        else if let a = try? single.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try single.decode([String: JSONValue].self)) }
    }

    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}

/// The expected shape of a JSON answer: keys and their JSON types, null only where allowed.
indirect enum Shape: Sendable {
    case string, number, bool, null
    /// Exactly these keys; `optional` keys may be absent.
    case object([String: Shape], optional: Set<String> = [])
    case array(of: Shape)
    /// Any object (a nested resource whose own shape is another test's business).
    case anyObject
    case oneOf([Shape])

    static func nullable(_ shape: Shape) -> Shape { .oneOf([shape, .null]) }

    /// Every place where `value` departs from the shape, as `path: problem`; empty when it fits.
    func violations(of value: JSONValue, at path: String = "$") -> [String] {
        switch (self, value) {
        case (.string, .string), (.number, .number), (.bool, .bool), (.null, .null), (.anyObject, .object):
            return []
        case (.oneOf(let shapes), _):
            let each = shapes.map { $0.violations(of: value, at: path) }
            return each.contains { $0.isEmpty } ? [] : ["\(path): none of the allowed types (\(each.flatMap { $0 }.joined(separator: "; ")))"]
        case (.array(let item), .array(let items)):
            return items.enumerated().flatMap { item.violations(of: $1, at: "\(path)[\($0)]") }
        case (.object(let keys, let optional), .object(let fields)):
            var problems = keys.keys.filter { fields[$0] == nil && !optional.contains($0) }.map { "\(path).\($0): missing" }
            problems += fields.keys.filter { keys[$0] == nil }.map { "\(path).\($0): not in the documented shape" }
            for (key, shape) in keys { if let field = fields[key] { problems += shape.violations(of: field, at: "\(path).\(key)") } }
            return problems.sorted()
        default:
            return ["\(path): expected \(self.name), found \(value)"]
        }
    }

    private var name: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .object, .anyObject: "object"
        case .array: "array"
        case .oneOf: "one of several"
        }
    }
}
