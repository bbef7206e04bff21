@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Account and token commands")
struct AccountCommandTests {
    @Test func createOwnerHashesThePasswordAndRefusesASecond() async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: .sqliteMemory, publicBaseURL: URL(string: "http://127.0.0.1:8080")!, calendly: .init()))
            try await app.autoMigrate()
            let account = try await app.accounts.createOwner(email: "Me@Example.com", password: "a long password", timeZone: "UTC")
            #expect(account.email == "me@example.com")
            #expect(account.passwordHash.hasPrefix("$2"))
            #expect(try Bcrypt.verify("a long password", created: account.passwordHash))
            await #expect(throws: AppError.self) {
                try await app.accounts.createOwner(email: "other@example.com", password: "a long password", timeZone: "UTC")
            }
            await #expect(throws: AppError.self) {
                try await app.accounts.createToken(name: "")
            }
            let token = try await app.accounts.createToken(name: "backup")
            #expect(token.hasPrefix("crm_"))
            #expect(try await APIToken.query(on: app.db).filter(\.$tokenHash == APIToken.hash(token)).count() == 1)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func invalidOwnerInputIsNamed() async throws {
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: .sqliteMemory, publicBaseURL: URL(string: "http://127.0.0.1:8080")!, calendly: .init()))
            try await app.autoMigrate()
            for (email, password, zone, field) in [("bad", "a long password", "UTC", "email"), ("a@b.co", "short", "UTC", "password"), ("a@b.co", "a long password", "Mars/Base", "time_zone")] {
                do {
                    _ = try await app.accounts.createOwner(email: email, password: password, timeZone: zone)
                    Issue.record("accepted \(field)")
                } catch let error as AppError {
                    #expect(error.field == field)
                }
            }
            #expect(try await Account.query(on: app.db).count() == 0)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
