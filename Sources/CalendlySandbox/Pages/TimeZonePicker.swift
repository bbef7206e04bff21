import Foundation

/// The booking page's time zone picker. Calendly shows times in the browser's zone and lets the
/// invitee pick another; booking.js selects the browser's zone (adding it when it is not listed)
/// and re-labels the times. Without script the page stays in the zone chosen here, UTC unless
/// the form already named one, and says so on every time.
enum TimeZonePicker {
    /// A zone per populated offset or so, as a short list to scroll; the browser's own is added.
    static let choices = [
        "UTC", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
        "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo",
        "America/Argentina/Buenos_Aires", "Atlantic/Azores", "Europe/London", "Europe/Lisbon",
        "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Stockholm", "Europe/Warsaw",
        "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Africa/Lagos", "Africa/Cairo",
        "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
        "Asia/Dhaka", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul",
        "Australia/Perth", "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland",
    ]

    /// The zone a form names, when it names a real one.
    static func zone(named name: String?) -> TimeZone? {
        guard let name, !name.isEmpty else { return nil }
        return TimeZone(identifier: name)
    }

    /// `data-zone-chosen` tells the script whether to keep the form's zone or use the browser's.
    static func html(selected: TimeZone?) -> String {
        let current = selected?.identifier ?? "UTC"
        var names = choices
        if !names.contains(current) { names.insert(current, at: 0) }
        let options = names.map { name in
            "<option value=\"\(HTML.escape(name))\"\(name == current ? " selected" : "")>\(HTML.escape(name.replacingOccurrences(of: "_", with: " ")))</option>"
        }.joined()
        return "<label class=\"field\" for=\"timezone\">Time zone</label>"
            + "<select id=\"timezone\" name=\"timezone\" data-zone-chosen=\"\(selected == nil ? "false" : "true")\">\(options)</select>"
    }
}
