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

    static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        try encoder.encode(value)
    }

    static func response(encoded body: ByteBuffer, status: HTTPResponseStatus = .ok) -> Response {
        let response = Response(status: status, body: .init(buffer: body))
        response.headers.contentType = .json
        return response
    }
}
