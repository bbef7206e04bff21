import Fluent
import SQLKit
import Vapor

struct HealthResponse: Content {
    var status: String
    var database: String
}

/// `GET /api/health`: answers without authentication, 503 when the database does not answer.
struct HealthController {
    func health(req: Request) async throws -> Response {
        do {
            try await req.db.sql().raw("SELECT 1").run()
            return try await HealthResponse(status: "ok", database: "ok").encodeResponse(for: req)
        } catch {
            req.logger.warning("Health check: database unreachable: \(String(describing: error))")
            return try await HealthResponse(status: "error", database: "unreachable").encodeResponse(status: .serviceUnavailable, for: req)
        }
    }
}
