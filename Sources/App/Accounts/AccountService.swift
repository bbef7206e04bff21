import Fluent
import SQLKit
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

    /// Creates the single owner account; refuses a second one. Every mistake is reported at once.
    func createOwner(email rawEmail: String, password: String, timeZone rawZone: String, confirmation: String? = nil) async throws -> Account {
        var errors = FieldErrors()
        let email = errors.collect { () throws -> String in
            let email = try FieldRules.email(rawEmail)
            guard !email.isEmpty else { throw AppError.invalid(field: "email", message: "is required") }
            return email
        }
        if password.count < Self.minimumPasswordLength {
            errors.add(field: "password", "must be at least \(Self.minimumPasswordLength) characters")
        } else if let confirmation, confirmation != password {
            errors.add(field: "password_confirmation", "does not match the password")
        }
        let zone = errors.collect { try FieldRules.timeZone(rawZone) }
        try errors.throwIfAny()
        guard let email, let zone else { throw AppError.invalid(field: "email", message: "is required") }
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

    /// Changes the owner's email and time zone. Every error is reported at once, by field.
    func updateDetails(_ id: UUID, email rawEmail: String?, timeZone rawZone: String?) async throws -> Account {
        var errors = FieldErrors()
        let email = errors.collect { () throws -> String in
            let email = try FieldRules.email(rawEmail)
            guard !email.isEmpty else { throw AppError.invalid(field: "email", message: "is required") }
            return email
        }
        let zone = errors.collect { try FieldRules.timeZone(rawZone) }
        try errors.throwIfAny()
        guard let email, let zone else { throw AppError.invalid(field: "email", message: "is required") }
        return try await writer.transaction(on: db) { db in
            guard let account = try await Account.find(id, on: db) else { throw AppError.notFound("Account") }
            if account.email != email { account.email = email }
            if account.timeZone != zone { account.timeZone = zone }
            try await account.save(on: db)
            return account
        }
    }

    /// Changes the password after checking the current one, and ends every other session: whoever
    /// knew the old password is signed out everywhere but here.
    func changePassword(_ id: UUID, current: String, new: String, confirmation: String, keeping session: SessionID?) async throws {
        guard let account = try await Account.find(id, on: db) else { throw AppError.notFound("Account") }
        var errors = FieldErrors()
        if (try? Bcrypt.verify(current, created: account.passwordHash)) != true {
            errors.add(field: "current_password", "is not your current password")
        }
        if new.count < Self.minimumPasswordLength {
            errors.add(field: "new_password", "must be at least \(Self.minimumPasswordLength) characters")
        } else if new != confirmation {
            errors.add(field: "new_password_confirmation", "does not match the new password")
        }
        try errors.throwIfAny()
        try await setPassword(id, to: new, keeping: session)
    }

    /// Sets a new password from the server (`crm user reset-password`) and ends every session.
    func resetPassword(email rawEmail: String, to new: String) async throws {
        let email = FieldRules.normalizedEmail(rawEmail)
        guard let account = try await Account.query(on: db).filter(\.$email == email).first() else {
            throw AppError.notFound("No account has the email \(rawEmail); the account")
        }
        guard new.count >= Self.minimumPasswordLength else {
            throw AppError.invalid(field: "password", message: "must be at least \(Self.minimumPasswordLength) characters")
        }
        try await setPassword(try account.requireID(), to: new, keeping: nil)
    }

    private func setPassword(_ id: UUID, to new: String, keeping session: SessionID?) async throws {
        // bcrypt is slow by design; hash before taking the write lock.
        let hash = try Bcrypt.hash(new)
        try await writer.transaction(on: db) { db in
            guard let account = try await Account.find(id, on: db) else { throw AppError.notFound("Account") }
            account.passwordHash = hash
            try await account.save(on: db)
            // One owner: every session but this one is theirs, opened with the old password.
            let delete = try db.sql().delete(from: "_fluent_sessions")
            if let session { delete.where("key", .notEqual, SQLBind(session.string)) }
            try await delete.run()
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

    /// The owner's API tokens, newest first.
    func tokens() async throws -> [APIToken] {
        try await APIToken.query(on: db).sort(\.$createdAt, .descending).all()
    }

    /// Deletes a token: every instance refuses it from the next request on (the data version moves).
    /// Returns its name.
    func revokeToken(_ id: UUID) async throws -> String {
        try await writer.transaction(on: db) { db in
            guard let token = try await APIToken.find(id, on: db) else {
                throw AppError.notFound("No API token has that id; it may be revoked already. The token")
            }
            try await token.delete(on: db)
            return token.name
        }
    }
}

extension Application {
    var accounts: AccountService { AccountService(db: db, writer: databaseWriter) }
}

extension Request {
    var accounts: AccountService { AccountService(db: db, writer: application.databaseWriter) }
}
