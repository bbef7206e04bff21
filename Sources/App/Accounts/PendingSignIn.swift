import Foundation
import Vapor

/// A sign-in whose password was right, waiting for the second factor. It lives in the session (so
/// on every instance) for five minutes; the session is signed in only once the code is right.
struct PendingSignIn {
    static let lifetime: TimeInterval = 5 * 60
    private static let accountKey = "two_factor_account"
    private static let startedKey = "two_factor_started"
    private static let nextKey = "two_factor_next"

    var accountID: UUID
    var next: String

    static func start(_ accountID: UUID, next: String, in session: Session, now: Date = Date()) {
        session.data[accountKey] = accountID.uuidString
        session.data[startedKey] = String(Int(now.timeIntervalSince1970))
        session.data[nextKey] = next
    }

    /// The waiting sign-in, if there is one and it has not expired.
    static func current(_ req: Request, now: Date = Date()) -> PendingSignIn? {
        guard req.hasSession,
              let raw = req.session.data[accountKey], let id = UUID(uuidString: raw),
              let started = req.session.data[startedKey].flatMap(TimeInterval.init),
              now.timeIntervalSince1970 - started < lifetime else { return nil }
        return PendingSignIn(accountID: id, next: AuthPagesController.safeNext(req.session.data[nextKey]))
    }

    static func clear(_ session: Session) {
        for key in [accountKey, startedKey, nextKey] { session.data[key] = nil }
    }
}
