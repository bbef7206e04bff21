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
}

extension Account: Authenticatable {}
