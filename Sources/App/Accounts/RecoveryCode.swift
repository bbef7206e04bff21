import Crypto
import Fluent
import Foundation

/// A one-use code that signs in without the authenticator app. Only its SHA-256 is kept: codes carry
/// 79 random bits, so a fast hash leaves a stolen table useless, as with API tokens.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "account_id") var account: Account
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(accountID: UUID, codeHash: String) {
        self.$account.id = accountID
        self.codeHash = codeHash
    }

    static let count = 10
    /// Lower-case base32 without the letters people misread: 16 characters from 31, 79 bits.
    private static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// A new code, shown as four groups of four: `k7mq-2xnp-...`.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The form codes are hashed in: lower case, without spaces or dashes, so `K7MQ 2XNP...` counts.
    static func normalized(_ typed: String) -> String {
        String(typed.lowercased().filter { $0 != "-" && !$0.isWhitespace })
    }

    static func hash(_ typed: String) -> String {
        SHA256.hash(data: Data(normalized(typed).utf8)).hex
    }

    /// Whether the text has the shape of a recovery code (and not of a six-digit code).
    static func looksLikeOne(_ typed: String) -> Bool {
        let plain = normalized(typed)
        return plain.count == 16 && plain.allSatisfy { alphabet.contains($0) }
    }
}
