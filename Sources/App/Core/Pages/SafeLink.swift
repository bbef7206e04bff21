import Foundation

/// Links that came from outside (Calendly) are shown only when they are plain http(s) URLs,
/// so a `javascript:` URL in a payload can never become a clickable link.
enum SafeLink {
    static func http(_ text: String) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            return nil
        }
        return text
    }
}
