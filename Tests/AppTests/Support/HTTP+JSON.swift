import Foundation
import Testing
import VaporTesting

extension TestingHTTPResponse {
    /// The body as a JSON object, for checking exact keys as a client sees them.
    func json() throws -> [String: Any] {
        let data = Data(buffer: body)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// `error.code` and `error.field` of the JSON error shape.
    func errorCode() throws -> (code: String?, field: String?, message: String?) {
        let error = try json()["error"] as? [String: Any]
        return (error?["code"] as? String, error?["field"] as? String, error?["message"] as? String)
    }
}

func jsonBody(_ object: Any) throws -> ByteBuffer {
    ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
}

func rawBody(_ text: String) -> ByteBuffer {
    ByteBuffer(string: text)
}
