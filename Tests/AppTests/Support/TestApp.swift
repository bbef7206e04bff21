@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// A configured app on a fresh database, with the owner account and an API token ready.
///
/// The database is in-memory SQLite, unless `TEST_DATABASE_URL` names a PostgreSQL server: then the
/// schema is reset for each test, and the tests must run one at a time (`swift test --no-parallel`).
struct TestApp {
    let app: Application
    let token: String

    var bearer: HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

func withTestApp(
    database: DatabaseLocation? = nil,
    calendly: CalendlySettings = CalendlySettings(),
    adjust: (inout AppConfig) -> Void = { _ in },
    _ body: (TestApp) async throws -> Void
) async throws {
    let app = try await Application.make(.testing)
    let location = database ?? TestApp.postgresURL.map(DatabaseLocation.postgres) ?? .sqliteMemory
    do {
        var config = AppConfig(database: location, publicBaseURL: URL(string: "http://127.0.0.1:8080")!, calendly: calendly)
        adjust(&config)
        try await configure(app, config: config)
        app.logger.logLevel = .warning
        if case .postgres = location { try await app.autoRevert() }
        try await app.autoMigrate()
        try await Fixtures.owner(on: app)
        let token = try await app.accounts.createToken(name: "tests")
        try await body(TestApp(app: app, token: token))
    } catch {
        try await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// A configured app on a fresh in-memory database with no owner account yet, as on first start.
func withFreshApp(_ body: (Application) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    do {
        try await configure(app, config: AppConfig(database: .sqliteMemory, publicBaseURL: URL(string: "http://127.0.0.1:8080")!, calendly: .init()))
        try await app.autoMigrate()
        try await body(app)
    } catch {
        try await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}
