import Fluent
import Foundation

/// The secret address of the consultations calendar (SPEC 12). Only the token's SHA-256 is
/// stored, and a request's token is looked up by its hash, never compared as text.
final class CalendarFeed: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(tokenHash: String) {
        self.tokenHash = tokenHash
    }
}

/// Makes, finds and revokes the feed address.
struct CalendarFeeds {
    let db: any Database
    let writer: DatabaseWriter

    /// A new address, revoking any earlier one; the token is returned this once.
    func make() async throws -> String {
        let token = RandomToken.make()
        try await writer.transaction(on: db) { db in
            try await CalendarFeed.query(on: db).delete()
            try await CalendarFeed(tokenHash: APIToken.hash(token)).create(on: db)
        }
        return token
    }

    func revoke() async throws {
        try await writer.transaction(on: db) { db in try await CalendarFeed.query(on: db).delete() }
    }

    /// The feed whose token this is, if it is live.
    func find(token: String) async throws -> CalendarFeed? {
        guard !token.isEmpty, token.utf8.count <= 100 else { return nil }
        return try await CalendarFeed.query(on: db).filter(\.$tokenHash == APIToken.hash(token)).first()
    }

    func current() async throws -> CalendarFeed? {
        try await CalendarFeed.query(on: db).first()
    }
}
