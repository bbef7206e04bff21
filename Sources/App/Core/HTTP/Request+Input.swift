import Foundation
import Vapor

extension Request {
    /// Decodes a JSON body whatever its declared content type, naming the field that is wrong.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw AppError.badRequest(field: "body", message: "is required and must be a JSON object")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date")
            }
            return date
        }
        return try decoder.decode(T.self, from: buffer)
    }

    /// The UUID in the path parameter `name`; a 400 naming it when it is not one.
    func uuidParameter(_ name: String = "id") throws -> UUID {
        do {
            return try FieldRules.uuid(parameters.get(name), field: name)
        } catch {
            // `/api/students/import` reaches `/api/students/:id` for the methods the import does not
            // take: that is a method not allowed there, not an id that is not a UUID.
            let allowed = application.routeMethods(matching: url.path)
            if !allowed.isEmpty, !allowed.contains(method) {
                let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                throw Abort(.methodNotAllowed, headers: ["Allow": allow], reason: "\(method) is not allowed here; use \(allow)")
            }
            throw error
        }
    }

    var queryReader: QueryReader { QueryReader(request: self) }
}

/// Typed access to query parameters; a bad value is a 400 that names the parameter.
struct QueryReader {
    let request: Request
    /// The query decoded once: Vapor's decoder parses the whole query string for every parameter
    /// asked for. Nil when some parameter is not a plain value (`a[]=1`); then each is asked for alone.
    private let values: [String: String]?

    init(request: Request) {
        self.request = request
        values = request.url.query == nil ? [:] : try? request.query.decode([String: String].self)
    }

    func string(_ name: String) -> String? {
        guard let values else { return request.query[String.self, at: name] }
        return values[name]
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw AppError.badRequest(field: name, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Absent is nil; present but empty or malformed is a 400.
    func uuid(_ name: String) throws -> UUID? {
        guard let raw = string(name) else { return nil }
        return try FieldRules.uuid(raw, field: name)
    }

    func date(_ name: String) throws -> Date? {
        guard let raw = string(name) else { return nil }
        guard let date = ISO8601.parse(raw) else {
            throw AppError.badRequest(field: name, message: "is not an ISO 8601 date-time such as 2025-01-31T14:00:00Z")
        }
        return date
    }

    func bool(_ name: String) throws -> Bool {
        guard let raw = string(name)?.lowercased() else { return false }
        switch raw {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw AppError.badRequest(field: name, message: "must be true or false")
        }
    }

    /// `limit` (default 50, at most 500) and `offset`.
    func page() throws -> (limit: Int, offset: Int) {
        (try int("limit", default: 50, range: 1...500), try int("offset", default: 0, range: 0...Int(Int32.max)))
    }
}
