/// A meeting's location in words: Calendly names online and phone locations by kind
/// (`google_conference`), which the pages show as the owner would say them.
enum LocationWords {
    static let kinds: [String: String] = [
        "google_conference": "Google Meet",
        "zoom_conference": "Zoom",
        "zoom": "Zoom",
        "microsoft_teams_conference": "Microsoft Teams",
        "webex_conference": "Webex",
        "gotomeeting": "GoTo Meeting",
        "gotomeeting_conference": "GoTo Meeting",
        "outbound_call": "Phone call (you call the student)",
        "inbound_call": "Phone call (the student calls you)",
        "ask_invitee": "Where the student chose",
        "physical": "In person",
        "custom": "Other",
    ]

    /// The words for a stored location: a kind becomes its name, anything else (an address, a
    /// phone number, the owner's own text) is shown as it is.
    static func describe(_ location: String?) -> String? {
        guard let location, !location.isEmpty else { return nil }
        return kinds[location] ?? location
    }
}
