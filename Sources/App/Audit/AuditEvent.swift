import Fluent
import Foundation

/// One thing done to or with the owner's account or data, as the audit log keeps it. It never holds
/// a password, a code or a token: only what happened, to what, from where, and how it ended.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "event") var event: Kind
    @Field(key: "outcome") var outcome: Outcome
    /// The client's address, `server` for a `crm` command.
    @Field(key: "address") var address: String
    /// A short account of what was done, written by the app, never copied from the request.
    @Field(key: "detail") var detail: String

    init() {}

    init(occurredAt: Date, event: Kind, outcome: Outcome, address: String, detail: String) {
        self.occurredAt = occurredAt
        self.event = event
        self.outcome = outcome
        self.address = address
        self.detail = detail
    }

    enum Kind: String, Codable, CaseIterable, Sendable {
        case signIn = "sign_in"
        case signOut = "sign_out"
        case sessionsEnded = "sessions_ended"
        case passwordChanged = "password_changed"
        case twoFactorEnabled = "two_factor_enabled"
        case twoFactorDisabled = "two_factor_disabled"
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
