import Foundation
import Vapor

/// Encodes types whose keys are already spelled in snake_case, skipping the app-wide encoder's
/// key conversion (a measurable share of a 50-row list's cost).
enum PlainJSON {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response<Value: Encodable>(_ value: Value, status: HTTPResponseStatus = .ok) throws -> Response {
        let response = Response(status: status, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }
}
