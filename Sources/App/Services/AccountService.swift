import Fluent
import Foundation
import Vapor

/// The owner account and its API tokens; the commands, the setup page and the tests call these.
struct AccountService {
    let db: any Database
    let writer: DatabaseWriter

    static let minimumPasswordLength = 10

    func hasAccount() async throws -> Bool {
        try await Account.query(on: db).count() > 0
    }

    /// Creates the single owner account; refuses a second one.
    func createOwner(email rawEmail: String, password: String, timeZone rawZone: String) async throws -> Account {
        let email = try FieldRules.email(rawEmail)
        guard !email.isEmpty else { throw AppError.invalid(field: "email", message: "is required") }
        guard password.count >= Self.minimumPasswordLength else {
            throw AppError.invalid(field: "password", message: "must be at least \(Self.minimumPasswordLength) characters")
        }
        let zone = try FieldRules.timeZone(rawZone)
        // bcrypt is slow by design; hash before taking the write lock.
        let hash = try Bcrypt.hash(password)
        return try await writer.transaction(on: db) { db in
            guard try await Account.query(on: db).count() == 0 else {
                throw AppError.conflict("An owner account already exists")
            }
            let account = Account(email: email, passwordHash: hash, timeZone: zone)
            try await account.create(on: db)
            return account
        }
    }

    /// Creates an API token for the owner and returns its plain value; only the hash is kept.
    func createToken(name rawName: String) async throws -> String {
        let name = try FieldRules.requiredText(rawName, field: "name", maxLength: 100)
        let plain = "crm_" + RandomToken.make()
        try await writer.transaction(on: db) { db in
            guard let owner = try await Account.query(on: db).first() else {
                throw AppError.invalid(field: "account", message: "create the owner account first (crm user create)")
            }
            try await APIToken(name: name, tokenHash: APIToken.hash(plain), accountID: owner.requireID()).create(on: db)
        }
        return plain
    }
}

extension Application {
    var accounts: AccountService { AccountService(db: db, writer: databaseWriter) }
}

extension Request {
    var accounts: AccountService { AccountService(db: db, writer: application.databaseWriter) }
}
