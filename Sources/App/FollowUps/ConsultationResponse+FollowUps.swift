import Fluent
import Foundation

extension Array where Element == ConsultationResponse {
    /// Each consultation with the follow-ups agreed in it, read in one query.
    func withFollowUps(on db: any Database) async throws -> [ConsultationResponse] {
        let agreed = try await FollowUp.agreed(in: map(\.id), on: db)
        return try map { consultation in
            var consultation = consultation
            consultation.followUps = try (agreed[consultation.id] ?? []).map(FollowUpResponse.init)
            return consultation
        }
    }
}

extension ConsultationResponse {
    func withFollowUps(on db: any Database) async throws -> ConsultationResponse {
        try await [self].withFollowUps(on: db)[0]
    }
}
