import Fluent
import SQLKit

/// Two-factor sign-in: the owner's TOTP secret, the last step a code was accepted for (a code is
/// good once, on every instance), the hashed recovery codes; and the audit log.
struct AddTwoFactor: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("accounts").field("totp_secret", .string).update()
        try await database.schema("accounts").field("totp_last_step", .int64).update()
        try await database.schema("accounts").field("totp_enabled_at", .datetime).update()
        try await database.schema("recovery_codes")
            .id()
            .field("account_id", .uuid, .required, .references("accounts", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .unique(on: "code_hash")
            .create()
        try await database.schema("audit_events")
            .id()
            .field("occurred_at", .datetime, .required)
            .field("event", .string, .required)
            .field("outcome", .string, .required)
            .field("address", .string, .required)
            .field("detail", .string, .required)
            .create()
        try await database.sql().raw("CREATE INDEX audit_events_by_time ON audit_events (occurred_at)").run()
        // Finds an address's last sign-in event: a throttled client is recorded once per wait.
        try await database.sql().raw("CREATE INDEX audit_events_by_address ON audit_events (address, occurred_at)").run()
        // Who each session is: shown on Settings so the owner can tell a stolen session from their own.
        try await database.schema("_fluent_sessions").field("user_agent", .string).update()
        try await database.schema("_fluent_sessions").field("address", .string).update()
    }

    func revert(on database: any Database) async throws {
        for column: FieldKey in ["user_agent", "address"] {
            try await database.schema("_fluent_sessions").deleteField(column).update()
        }
        try await database.schema("audit_events").delete()
        try await database.schema("recovery_codes").delete()
        for column: FieldKey in ["totp_secret", "totp_last_step", "totp_enabled_at"] {
            try await database.schema("accounts").deleteField(column).update()
        }
    }
}
