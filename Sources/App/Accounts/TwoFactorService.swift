import Fluent
import Foundation
import SQLKit
import Vapor

/// Turning two-factor sign-in on and off, and checking the second factor at sign-in.
struct TwoFactorService {
    let db: any Database
    let writer: DatabaseWriter
    static let issuer = "Personal CRM"

    enum CodeCheck: Equatable {
        case accepted(Method)
        /// Neither six digits nor the shape of a recovery code.
        case malformed
        /// Not the code of this moment (or a step either side), or not an unused recovery code.
        case wrong
        /// The right code, already used once: a replay.
        case reused
    }

    enum Method: Equatable {
        case authenticatorCode
        case recoveryCode(remaining: Int)
    }

    /// Checks the password and makes a new secret, which takes effect only once a code made from it
    /// is confirmed.
    func begin(_ account: Account, password: String) async throws -> AuthenticatorSecret {
        guard try await Self.passwordMatches(password, account) else {
            throw AppError.invalid(field: "password", message: "is not your current password")
        }
        guard !account.twoFactorEnabled else { throw AppError.conflict("Two-factor sign-in is already on") }
        return AuthenticatorSecret.make()
    }

    /// Turns two-factor sign-in on once `code` matches the new secret; returns the recovery codes,
    /// which are shown this once. A wrong code changes nothing.
    func confirm(_ accountID: UUID, secret: AuthenticatorSecret, code: String, now: Date = Date()) async throws -> [String] {
        let digits = Self.digits(code)
        guard let digits else { throw AppError.invalid(field: "code", message: "must be the 6 digits your app shows") }
        guard let step = secret.matchingStep(of: digits, at: now) else {
            throw AppError.invalid(field: "code", message: "does not match: check the app was set up with this secret and that its clock is right")
        }
        let codes = (0..<RecoveryCode.count).map { _ in RecoveryCode.make() }
        try await writer.transaction(on: db) { db in
            guard let account = try await Account.find(accountID, on: db) else { throw AppError.notFound("Account") }
            guard !account.twoFactorEnabled else { throw AppError.conflict("Two-factor sign-in is already on") }
            account.totpSecret = secret.base32
            account.totpLastStep = step
            account.totpEnabledAt = now
            try await account.save(on: db)
            try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).delete()
            for code in codes {
                try await RecoveryCode(accountID: accountID, codeHash: RecoveryCode.hash(code)).create(on: db)
            }
        }
        return codes
    }

    /// Turns two-factor sign-in off after checking the password.
    func disable(_ account: Account, password: String) async throws {
        guard try await Self.passwordMatches(password, account) else {
            throw AppError.invalid(field: "password", message: "is not your current password")
        }
        try await turnOff(try account.requireID())
    }

    /// `crm user reset-2fa`: for an owner who lost their authenticator and their recovery codes.
    func reset(email rawEmail: String) async throws {
        let email = FieldRules.normalizedEmail(rawEmail)
        guard let account = try await Account.query(on: db).filter(\.$email == email).first() else {
            throw AppError.notFound("No account has the email \(rawEmail); the account")
        }
        try await turnOff(try account.requireID())
    }

    private func turnOff(_ accountID: UUID) async throws {
        try await writer.transaction(on: db) { db in
            guard let account = try await Account.find(accountID, on: db) else { throw AppError.notFound("Account") }
            account.totpSecret = nil
            account.totpLastStep = nil
            account.totpEnabledAt = nil
            try await account.save(on: db)
            try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).delete()
        }
    }

    /// Checks the second factor: a code from the app, accepted once (the step it was made for is
    /// stored, and only a later step is taken after it), or an unused recovery code, used up here.
    /// Both are claimed by one conditional update, so two instances cannot both accept the same code.
    func check(_ typed: String, for accountID: UUID, now: Date = Date()) async throws -> CodeCheck {
        if RecoveryCode.looksLikeOne(typed) {
            let claimed = try await writer.transaction(on: db) { db in
                try await db.sql().raw("""
                    UPDATE recovery_codes SET used_at = \(bind: now)
                    WHERE account_id = \(bind: accountID) AND code_hash = \(bind: RecoveryCode.hash(typed)) AND used_at IS NULL
                    RETURNING id
                    """).all().count
            }
            guard claimed > 0 else { return .wrong }
            let remaining = try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).filter(\.$usedAt == nil).count()
            return .accepted(.recoveryCode(remaining: remaining))
        }
        guard let digits = Self.digits(typed) else { return .malformed }
        guard let account = try await Account.find(accountID, on: db), let stored = account.totpSecret,
              let totp = AuthenticatorSecret(base32: stored) else { return .wrong }
        guard let step = totp.matchingStep(of: digits, at: now) else { return .wrong }
        let claimed = try await writer.transaction(on: db) { db in
            try await db.sql().raw("""
                UPDATE accounts SET totp_last_step = \(bind: step)
                WHERE id = \(bind: accountID) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
                RETURNING id
                """).all().count
        }
        return claimed == 0 ? .reused : .accepted(.authenticatorCode)
    }

    func unusedRecoveryCodes(_ accountID: UUID) async throws -> Int {
        try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).filter(\.$usedAt == nil).count()
    }

    /// Six digits, allowing the space or dash some apps show in the middle.
    static func digits(_ typed: String) -> String? {
        let plain = typed.filter { !$0.isWhitespace && $0 != "-" }
        guard plain.count == 6, plain.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return plain
    }

    static func passwordMatches(_ password: String, _ account: Account) async throws -> Bool {
        (try? Bcrypt.verify(password, created: account.passwordHash)) == true
    }
}

extension Request {
    var twoFactor: TwoFactorService { TwoFactorService(db: db, writer: application.databaseWriter) }
}

extension Application {
    var twoFactor: TwoFactorService { TwoFactorService(db: db, writer: databaseWriter) }
}
