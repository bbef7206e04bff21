import Vapor

/// The JSON error shape of every `/api` failure: `{"error": {"code": ..., "message": ..., "field": ...}}`.
struct ErrorResponse: Content {
    struct Body: Codable {
        var code: String
        var message: String
        var field: String?
    }
    var error: Body
}
