import Fluent

/// Failed sign-ins, kept in the database so the throttle holds across app instances and restarts.
struct CreateSignInFailure: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sign_in_failures")
            .id()
            .field("client_key", .string, .required)
            .field("failed_at", .datetime, .required)
            .create()
        try await database.sql().raw("CREATE INDEX sign_in_failures_by_client ON sign_in_failures (client_key, failed_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sign_in_failures").delete()
    }
}
