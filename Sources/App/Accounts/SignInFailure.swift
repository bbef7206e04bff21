import Fluent
import Foundation

/// One failed (or still being checked) sign-in attempt from one client address.
final class SignInFailure: Model, @unchecked Sendable {
    static let schema = "sign_in_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "client_key") var clientKey: String
    @Field(key: "failed_at") var failedAt: Date

    init() {}

    init(clientKey: String, failedAt: Date) {
        self.clientKey = clientKey
        self.failedAt = failedAt
    }
}
