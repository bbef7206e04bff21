import Crypto
import Fluent
import Foundation

/// A token for scripts, sent as `Authorization: Bearer`. Only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "account_id") var account: Account
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(id: UUID? = nil, name: String, tokenHash: String, accountID: UUID) {
        self.id = id
        self.name = name
        self.tokenHash = tokenHash
        self.$account.id = accountID
    }

    /// Tokens are long random strings, so a fast unsalted hash is enough to make a stolen table useless.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }
}
