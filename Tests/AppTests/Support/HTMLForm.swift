import Foundation

/// The fields of one `<form>` on a rendered page, as a browser would send them back: each input's
/// `value` and each text area's text, with the HTML escapes undone.
struct HTMLForm {
    let action: String
    let fields: [String: String]

    /// The form with `id`, or nil when the page has none.
    init?(id: String, in html: String) {
        guard let open = html.firstMatch(of: try! Regex(#"<form[^>]*id="\#(id)"[^>]*>"#)),
              let close = html[open.range.upperBound...].range(of: "</form>") else { return nil }
        let tag = String(html[open.range])
        let body = String(html[open.range.upperBound..<close.lowerBound])
        action = Self.attribute("action", in: tag) ?? ""
        var fields: [String: String] = [:]
        for match in body.matches(of: /<input[^>]*>/) {
            let input = String(match.0)
            guard let name = Self.attribute("name", in: input) else { continue }
            let type = Self.attribute("type", in: input) ?? "text"
            if type == "checkbox" && !input.contains(" checked") { continue }
            fields[name] = Self.attribute("value", in: input) ?? ""
        }
        for match in body.matches(of: /<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/) {
            // A browser drops one newline straight after the opening tag.
            var text = Self.unescaped(String(match.2))
            if text.hasPrefix("\n") { text.removeFirst() }
            fields[String(match.1)] = text
        }
        for match in body.matches(of: /<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/) {
            // The selected option, else the first, as a browser sends it.
            let options = String(match.2).matches(of: /<option([^>]*)>([^<]*)<\/option>/)
            let chosen = options.first { $0.1.contains("selected") } ?? options.first
            if let chosen {
                fields[String(match.1)] = Self.attribute("value", in: String(chosen.1)) ?? Self.unescaped(String(chosen.2))
            }
        }
        self.fields = fields
    }

    /// What a browser would send back, less the CSRF token (`BrowserSession` adds the current one).
    var fieldsToSend: [String: String] { fields.filter { $0.key != "csrf_token" } }

    private static func attribute(_ name: String, in tag: String) -> String? {
        guard let match = tag.firstMatch(of: try! Regex(#"\s\#(name)="([^"]*)""#)) else { return nil }
        return match.output[1].substring.map { unescaped(String($0)) }
    }

    static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
