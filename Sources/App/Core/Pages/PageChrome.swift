import Vapor

/// What every page's layout needs: title, navigation state, CSRF token, sandbox banner.
struct PageChrome: Encodable {
    var title: String
    var section: String
    var signedIn: Bool
    var csrfToken: String
    var sandboxMode: Bool
    var flash: String?
    /// The largest form body a signed-in page accepts; the page checks it before sending.
    var maxFormBytes = BodyLimits.prose.value
    /// The page's own address, when the request went to another (a form's action): the page puts
    /// it back in the location bar.
    var canonicalPath: String?

    init(request: Request, title: String, section: String = "", flash: String? = nil, path: String? = nil) {
        self.canonicalPath = path.flatMap { $0 == request.url.path ? nil : $0 }
        self.title = title
        self.section = section
        self.signedIn = request.auth.has(Account.self)
        self.csrfToken = request.csrfToken
        self.sandboxMode = request.application.appConfig.sandboxMode
        self.flash = flash ?? request.query[String.self, at: "notice"].flatMap(Notice.init(rawValue:))?.text
    }
}

/// Confirmation messages after a redirect, named in the URL so no free text is reflected.
enum Notice: String {
    case studentAdded = "student-added"
    case studentSaved = "student-saved"
    case studentArchived = "student-archived"
    case studentRestored = "student-restored"
    case studentPurged = "student-purged"
    case consultationAdded = "consultation-added"
    case consultationSaved = "consultation-saved"
    case followUpAdded = "follow-up-added"
    case followUpSaved = "follow-up-saved"
    case followUpDone = "follow-up-done"
    case followUpReopened = "follow-up-reopened"
    case signedOut = "signed-out"
    case accountSaved = "account-saved"
    case passwordChanged = "password-changed"
    case calendlyTokenRemoved = "calendly-token-removed"
    case canceledAsHost = "canceled-as-host"
    case noShowSent = "no-show-sent"
    case noShowNotSent = "no-show-not-sent"
    case booked = "booked"
    case studentsImported = "students-imported"
    case signInExpired = "sign-in-expired"
    case recoveryCodeUsed = "recovery-code-used"
    case twoFactorOff = "two-factor-off"
    case sessionsEnded = "sessions-ended"
    case sessionEnded = "session-ended"
    case tokenRevoked = "token-revoked"

    var text: String {
        switch self {
        case .studentAdded: "Student added."
        case .studentSaved: "Student saved."
        case .studentArchived: "Student archived: hidden from the lists, with everything kept. Restore brings them back."
        case .studentRestored: "Student restored."
        case .studentPurged: "Student and their consultations erased."
        case .consultationAdded: "Consultation added."
        case .consultationSaved: "Consultation saved."
        case .followUpAdded: "Follow-up added."
        case .followUpSaved: "Follow-up saved."
        case .followUpDone: "Follow-up done."
        case .followUpReopened: "Follow-up open again."
        case .canceledAsHost: "Canceled in Calendly as the host. Calendly tells the student."
        case .noShowSent: "Sent to Calendly."
        case .noShowNotSent: "Saved here, but Calendly has not got it yet: see below."
        case .studentsImported: "Students imported."
        case .booked: "Booked in Calendly. The student gets Calendly's confirmation email."
        case .signedOut: "You are signed out."
        case .accountSaved: "Your details are saved."
        case .passwordChanged: "Password changed. Every other session is signed out."
        case .calendlyTokenRemoved: "The Calendly token is removed; the app no longer talks to Calendly."
        case .signInExpired: "Sign in again: the code step waits five minutes after the password."
        case .recoveryCodeUsed: "Signed in with a recovery code, which cannot be used again. The number left is below."
        case .twoFactorOff: "Two-factor sign-in is off: the password alone signs in."
        case .sessionsEnded: "Every other session is signed out."
        case .sessionEnded: "That session is signed out."
        case .tokenRevoked: "Token revoked: requests with it are refused from now on."
        }
    }
}

struct ErrorPageContext: Encodable {
    var page: PageChrome
    var status: Int
    var message: String
}
