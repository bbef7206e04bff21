import Foundation
import Vapor

/// Reading JSON request bodies as `JSON` values, so a handler can tell a missing key from a
/// `null`, a string from a number, and report each bad field by name instead of failing whole.
extension JSON: Decodable {
    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var pairs: [(String, JSON)] = []
            for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                pairs.append((key.stringValue, try container.decode(JSON.self, forKey: key)))
            }
            self = .object(pairs)
        } else if var container = try? decoder.unkeyedContainer() {
            var items: [JSON] = []
            while !container.isAtEnd { items.append(try container.decode(JSON.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let bool = try? single.decode(Bool.self) {
                self = .bool(bool)
            } else if let int = try? single.decode(Int.self) {
                self = .int(int)
            } else if let double = try? single.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var isNull: Bool { self == .null }

    var arrayValue: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var objectPairs: [(String, JSON)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }

    /// A whole number, also when written as `1.0`.
    var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
}

extension Request {
    /// The body as a JSON object; nil when there is no body. Anything else is a 400.
    func jsonObjectBody() throws(CalendlyError) -> JSON? {
        let bytes = body.data.map { Data($0.readableBytesView) } ?? Data()
        guard !bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        guard let value = try? JSONDecoder().decode(JSON.self, from: bytes), value.objectPairs != nil else {
            throw .invalidArgument(nil, "The request body must be a JSON object.")
        }
        return value
    }
}
