import Crypto
import ExtrasBase64
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) as authenticator apps make them:
/// HMAC-SHA-1, 6 digits, 30-second steps.
struct TOTP: Sendable {
    let secret: [UInt8]
    var digits = 6
    var period: TimeInterval = 30

    /// 20 bytes: the key length RFC 4226 recommends for HMAC-SHA-1.
    static func makeSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The secret as authenticator apps take it typed in: base32, no padding.
    var base32Secret: String { String(base32Encoding: secret, options: .omitPaddingCharacter) }

    init(secret: [UInt8], digits: Int = 6) {
        self.secret = secret
        self.digits = digits
    }

    /// Reads a stored base32 secret; nil if it is not base32.
    init?(base32 text: String) {
        var padded = text.uppercased()
        while padded.count % 8 != 0 { padded += "=" }
        guard let bytes = try? padded.base32decoded(), !bytes.isEmpty else { return nil }
        self.init(secret: bytes)
    }

    /// The step a moment falls in: seconds since 1970 divided by the period.
    func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for one step (RFC 4226 section 5.3, dynamic truncation).
    func code(step: Int64) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    func code(at date: Date) -> String { code(step: step(at: date)) }

    /// The step whose code this is, looking one step either side of `date` for a clock that drifts
    /// (RFC 6238 section 5.2); nil if none matches. Every candidate is compared in constant time.
    func matchingStep(of code: String, at date: Date) -> Int64? {
        let now = step(at: date)
        var found: Int64?
        for candidate in [now - 1, now, now + 1] where Self.constantTimeEqual(self.code(step: candidate), code) {
            found = found ?? candidate
        }
        return found
    }

    /// The `otpauth://` address authenticator apps read (from a QR code or a tap).
    func provisioningURI(account: String, issuer: String) -> String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/" + issuer + ":" + account
        components.queryItems = [
            URLQueryItem(name: "secret", value: base32Secret),
            URLQueryItem(name: "issuer", value: issuer),
            URLQueryItem(name: "algorithm", value: "SHA1"),
            URLQueryItem(name: "digits", value: String(digits)),
            URLQueryItem(name: "period", value: String(Int(period))),
        ]
        return components.string ?? "otpauth://totp/?secret=\(base32Secret)"
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
