import Foundation
import Vapor

/// Settings › Security: two-factor sign-in, sessions, API tokens and the audit log.
struct SecurityPageContext: Encodable {
    var page: PageChrome
    var twoFactorEnabled: Bool
    var twoFactorSince: String?
    var recoveryCodesLeft: Int
    /// While two-factor is being turned on: the new secret, waiting for its first code.
    var setup: TwoFactorSetupView?
    /// The recovery codes just made: shown this once, never again.
    var newRecoveryCodes: [String]?
    var sessions: [SessionRow]
    var otherSessions: Int
    var tokens: [TokenRow]
    /// A token just made: shown this once.
    var newToken: String?
    /// The name typed for a new token, kept when it was refused.
    var tokenName: String
    var audit: [AuditRow]
    var auditPage: Int
    var olderAuditLink: String?
    var newerAuditLink: String?
    var errors: [String: String]
}

struct TwoFactorSetupView: Encodable {
    var secret: String
    /// The secret in groups of four, easier to type into an app.
    var groupedSecret: String
    var provisioningURI: String
}

struct SessionRow: Encodable {
    var handle: String
    var browser: String
    var userAgent: String
    var address: String
    var lastSeen: String
    var isCurrent: Bool
}

struct TokenRow: Encodable {
    var id: String
    var name: String
    var created: String
    var lastUsed: String
}

struct AuditRow: Encodable {
    var at: String
    var event: String
    var outcome: String
    var address: String
    var detail: String
}

struct PasswordConfirmForm: Content {
    var password: String?
}

struct TwoFactorCodeForm: Content {
    var code: String?
}

struct SessionEndForm: Content {
    var session: String?
}

struct TokenCreateForm: Content {
    var name: String?
}

struct TokenRevokeForm: Content {
    var id: String?
}
