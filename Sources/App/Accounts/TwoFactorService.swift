import Fluent
import Foundation
import SQLKit
import Vapor

/// Turning two-factor sign-in on and off, and checking the second factor at sign-in.
struct TwoFactorService {
    let db: any Database
    let writer: DatabaseWriter
    /// Checks a password against its bcrypt hash (Vapor's async hasher, off the event loop).
    let hasher: @Sendable (String, String) async throws -> Bool
    static let issuer = "Personal CRM"

    enum CodeCheck: Equatable {
        case accepted(Method)
        /// Neither six digits nor the shape of a recovery code.
        case malformed
        /// Not the code of this moment (or a step either side), or not an unused recovery code.
        case wrong
        /// The right code, already used once (a replay), or older than the last one used.
        case reused
        /// A recovery code that was good once and is used up.
        case recoveryCodeUsed
    }

    enum Method: Equatable {
        case authenticatorCode
        case recoveryCode(remaining: Int)
    }

    /// Checks the password and makes a new secret, which takes effect only once a code made from it
    /// is confirmed.
    func begin(_ account: Account, password: String) async throws -> AuthenticatorSecret {
        guard try await passwordMatches(password, account) else {
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
            // Only while it is off, in one statement: of two confirmations at once (two tabs, two
            // instances), the second changes nothing rather than replacing the codes just shown.
            let turnedOn = try await db.sql().raw("""
                UPDATE accounts SET totp_secret = \(bind: secret.base32), totp_last_step = \(bind: step), totp_enabled_at = \(bind: now)
                WHERE id = \(bind: accountID) AND totp_secret IS NULL
                RETURNING id
                """).all().count
            guard turnedOn > 0 else { throw AppError.conflict("Two-factor sign-in is already on") }
            try await replaceRecoveryCodes(codes, for: accountID, on: db)
        }
        return codes
    }

    /// New recovery codes in place of all the old ones, after checking the password.
    func renewRecoveryCodes(_ account: Account, password: String) async throws -> [String] {
        guard try await passwordMatches(password, account) else {
            throw AppError.invalid(field: "password", message: "is not your current password")
        }
        let accountID = try account.requireID()
        let codes = (0..<RecoveryCode.count).map { _ in RecoveryCode.make() }
        try await writer.transaction(on: db) { db in
            guard try await Account.find(accountID, on: db)?.twoFactorEnabled == true else {
                throw AppError.conflict("Two-factor sign-in is off, so there are no recovery codes to renew")
            }
            try await replaceRecoveryCodes(codes, for: accountID, on: db)
        }
        return codes
    }

    private func replaceRecoveryCodes(_ codes: [String], for accountID: UUID, on db: any Database) async throws {
        try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID).delete()
        for code in codes {
            try await RecoveryCode(accountID: accountID, codeHash: RecoveryCode.hash(code)).create(on: db)
        }
    }

    /// Turns two-factor sign-in off after checking the password.
    func disable(_ account: Account, password: String) async throws {
        guard try await passwordMatches(password, account) else {
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
            guard claimed > 0 else {
                let spent = try await RecoveryCode.query(on: db).filter(\.$account.$id == accountID)
                    .filter(\.$codeHash == RecoveryCode.hash(typed)).first()
                return spent == nil ? .wrong : .recoveryCodeUsed
            }
            return .accepted(.recoveryCode(remaining: try await unusedRecoveryCodes(accountID)))
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

    /// bcrypt is slow by design: it runs on the blocking pool, not on the shared concurrency threads.
    func passwordMatches(_ password: String, _ account: Account) async throws -> Bool {
        let hash = account.passwordHash
        return try await hasher(password, hash)
    }
}

extension Request {
    var twoFactor: TwoFactorService {
        let hasher = password.async
        return TwoFactorService(db: db, writer: application.databaseWriter) { (try? await hasher.verify($0, created: $1)) ?? false }
    }
}

extension Application {
    var twoFactor: TwoFactorService {
        TwoFactorService(db: db, writer: databaseWriter) { (try? Bcrypt.verify($0, created: $1)) ?? false }
    }
}
