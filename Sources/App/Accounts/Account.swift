import Fluent
import Foundation
import Vapor

/// The owner: the one person who signs in.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    /// IANA zone the pages show times in, e.g. `Europe/Berlin`.
    @Field(key: "time_zone") var timeZone: String
    /// When the owner last opened Today: it lists what changed in Calendly since.
    @OptionalField(key: "today_seen_at") var todaySeenAt: Date?
    /// The TOTP secret in base32 while two-factor sign-in is on; nil while it is off.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    /// The last time step a code was accepted for: a code is accepted once, and never an older one.
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, email: String, passwordHash: String, timeZone: String) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.timeZone = timeZone
    }

    var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    var twoFactorEnabled: Bool { totpSecret != nil }
}

extension Account: Authenticatable {}
