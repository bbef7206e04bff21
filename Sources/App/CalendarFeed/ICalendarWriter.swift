import Foundation

/// Writes RFC 5545 text: escaped values, CRLF line ends, and lines folded at 75 octets without
/// splitting a UTF-8 character (RFC 5545 section 3.1).
struct ICalendarWriter {
    private(set) var output = ""

    /// `NAME:value`, the value written as is (dates, numbers, URIs, fixed words).
    mutating func raw(_ name: String, _ value: String) {
        line("\(name):\(value)")
    }

    /// `NAME:value` for a TEXT value: backslash, semicolon, comma and line breaks escaped (3.3.11).
    mutating func text(_ name: String, _ value: String) {
        line("\(name):\(Self.escape(value))")
    }

    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\r": escaped += "\\n"
            case "\n": if !previousWasCR { escaped += "\\n" }
            default:
                // Other control characters are not allowed in TEXT.
                if scalar.value < 0x20 || scalar.value == 0x7F { escaped += " " } else { escaped.unicodeScalars.append(scalar) }
            }
            previousWasCR = scalar == "\r"
        }
        return escaped
    }

    /// Appends one content line, folded: each physical line at most 75 octets, continuation lines
    /// starting with a space, which counts toward their 75.
    mutating func line(_ content: String) {
        var octets = 0
        var limit = 75
        for character in content {
            let size = character.utf8.count
            if octets + size > limit {
                output += "\r\n "
                octets = 1
                limit = 75
            }
            output.append(character)
            octets += size
        }
        output += "\r\n"
    }

    /// `20261201T150000Z`
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
