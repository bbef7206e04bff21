import Foundation

/// UUIDs to and from their 36-character text, as Foundation reads and writes them, without it.
///
/// Why: on Linux, Foundation parses a UUID with `sscanf` and prints one with `sprintf`. A search
/// reads two or three ids from SQLite's text and writes two into its answer for every result, and
/// in a profile of fresh searches those two C calls were about 8% of the server's time.
enum UUIDText {
    /// The UUID written as `text` (hex digits of either case, dashes at 8-4-4-4-12), else nil.
    static func parse(_ text: String) -> UUID? {
        var text = text
        return text.withUTF8(parse(utf8:))
    }

    /// `parse` of UTF-8 bytes, such as a column SQLite hands over.
    static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard bytes.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard bytes[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = digit(bytes[position]), let low = digit(bytes[position + 1]) else { return false }
                out[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return parsed ? UUID(uuid: value) : nil
    }

    /// `id` as `uuidString` writes it: upper case, 8-4-4-4-12.
    static func string(_ id: UUID) -> String {
        withUnsafeBytes(of: id.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = hexDigits[Int(byte >> 4)]
                    out[position + 1] = hexDigits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
