@testable import App
import Foundation
import Testing
import VaporTesting

extension SandboxedApp {
    /// A consultation as the API shows it, without the bookkeeping times a webhook may move
    /// (`updated_at`, `calendly_updated_at`): what "changes nothing" is judged by.
    func visibleConsultation(_ id: UUID) async throws -> NSDictionary {
        let response = try await app.testing().sendRequest(.GET, "/api/consultations/\(id)", headers: t.bearer)
        var json = try response.json()
        json["updated_at"] = nil
        json["calendly_updated_at"] = nil
        return json as NSDictionary
    }
}
