struct SignInForm: Codable {
    var email: String?
    var password: String?
    var next: String?
}

struct SignInPageContext: Encodable {
    var page: PageChrome
    var email: String
    var next: String
    var error: String?
}

struct SetupForm: Codable {
    var email: String?
    var password: String?
    var passwordConfirmation: String?
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case email, password, passwordConfirmation = "password_confirmation", timeZone = "time_zone"
    }
}

struct SetupPageContext: Encodable {
    var page: PageChrome
    var action: String
    var email: String
    var timeZone: String
    /// False on the first visit: the page then preselects the browser's zone.
    var timeZoneChosen: Bool
    var timeZones: [String] = TimeZoneChoice.all
    var errors: [String: String]
}
