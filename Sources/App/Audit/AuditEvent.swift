import Fluent
import Foundation

/// One thing done to or with the owner's account or data, as the audit log keeps it. It never holds
/// a password, a code or a token: only what happened, to what, from where, and how it ended.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date
    /// A `Kind`'s raw value. Kept as text, so a kind written by a newer instance during a rolling
    /// upgrade still reads here (shown as it is stored).
    @Field(key: "event") var event: String
    /// An `Outcome`'s raw value.
    @Field(key: "outcome") var outcome: String
    /// The client's address, `server` for a `crm` command.
    @Field(key: "address") var address: String
    /// A short account of what was done, written by the app, never copied from a password or code field.
    @Field(key: "detail") var detail: String

    init() {}

    init(occurredAt: Date, event: Kind, outcome: Outcome, address: String, detail: String) {
        self.occurredAt = occurredAt
        self.event = event.rawValue
        self.outcome = outcome.rawValue
        self.address = address
        self.detail = detail
    }

    var kind: Kind? { Kind(rawValue: event) }

    enum Kind: String, Codable, CaseIterable, Sendable {
        case signIn = "sign_in"
        case signOut = "sign_out"
        case sessionsEnded = "sessions_ended"
        case passwordChanged = "password_changed"
        case twoFactorEnabled = "two_factor_enabled"
        case twoFactorDisabled = "two_factor_disabled"
        case recoveryCodesRenewed = "recovery_codes_renewed"
        case tokenCreated = "token_created"
        case tokenRevoked = "token_revoked"
        case studentsImported = "students_imported"
        case dataExported = "data_exported"
        case studentPurged = "student_purged"
        case calendarFeedChanged = "calendar_feed_changed"

        /// How Settings names the event.
        var label: String {
            switch self {
            case .signIn: "Sign-in"
            case .signOut: "Sign-out"
            case .sessionsEnded: "Sessions ended"
            case .passwordChanged: "Password change"
            case .twoFactorEnabled: "Two-factor turned on"
            case .twoFactorDisabled: "Two-factor turned off"
            case .recoveryCodesRenewed: "New recovery codes"
            case .tokenCreated: "API token created"
            case .tokenRevoked: "API token revoked"
            case .studentsImported: "Students imported"
            case .dataExported: "Data exported"
            case .studentPurged: "Student erased"
            case .calendarFeedChanged: "Calendar feed"
            }
        }
    }

    enum Outcome: String, Codable, Sendable {
        case succeeded, failed, throttled
    }
}
