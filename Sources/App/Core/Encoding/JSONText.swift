import Foundation
import NIOCore

/// JSON written straight into a buffer, for answers built on every request that the read caches
/// cannot keep (a search run afresh). Foundation's `JSONEncoder` goes through `Encodable`'s
/// containers and boxes every value, which was a tenth of such a search's work.
///
/// It writes byte for byte what `PlainJSON` writes (Foundation's encoder with sorted keys and
/// slashes left alone): the caller gives the keys in sorted order, strings escape `"`, `\` and
/// the control characters (`\b \f \n \r \t`, the others as `\u00xx`) and nothing else, dates are
/// ISO 8601 in UTC without fractions. `SearchResponseJSONTests` holds it to that encoder's output.
struct JSONText {
    private(set) var buffer: ByteBuffer
    /// Whether the object or array being written has no member yet (one flag per open level).
    private var empty: [Bool] = []

    init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts a member of the open object; its value is written next.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
    }

    /// Starts an element of the open array; its value is written next.
    mutating func element() {
        separate()
    }

    mutating func value(_ text: String) {
        var text = text
        buffer.writeInteger(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart..<index]))
                writeEscaped(byte)
                runStart = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[runStart...]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func value(_ flag: Bool) {
        buffer.writeStaticString(flag ? "true" : "false")
    }

    /// Upper case, as `UUID` encodes itself.
    mutating func value(_ id: UUID) {
        value(UUIDText.string(id))
    }

    /// As `JSONEncoder.DateEncodingStrategy.iso8601` writes it.
    mutating func value(_ date: Date) {
        value(ISO8601.format(date))
    }

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case 0x08: buffer.writeStaticString("\\b")
        case 0x0C: buffer.writeStaticString("\\f")
        case 0x0A: buffer.writeStaticString("\\n")
        case 0x0D: buffer.writeStaticString("\\r")
        case 0x09: buffer.writeStaticString("\\t")
        default:
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(Self.hexDigits[Int(byte >> 4)])
            buffer.writeInteger(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func open(_ bracket: UInt8) {
        buffer.writeInteger(bracket)
        empty.append(true)
    }

    private mutating func close(_ bracket: UInt8) {
        buffer.writeInteger(bracket)
        empty.removeLast()
    }

    private mutating func separate() {
        if empty.last == false { buffer.writeInteger(UInt8(ascii: ",")) }
        if !empty.isEmpty { empty[empty.count - 1] = false }
    }
}
