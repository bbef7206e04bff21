import Crypto
import ExtrasBase64
import Foundation
import Vapor

/// The secret an authenticator app shares with the app, and the time-based one-time passwords
/// (RFC 6238) made from it as those apps make them: HMAC-SHA-1, 6 digits, 30-second steps. The codes
/// themselves come from Vapor's `TOTP` and `HOTP`; this type adds the base32 form apps take, the
/// `otpauth://` address, and which step a code was made for (to accept each code once).
struct AuthenticatorSecret: Sendable {
    let bytes: [UInt8]
    var digits: OTPDigits = .six
    static let period = 30

    /// 20 bytes: the key length RFC 4226 recommends for HMAC-SHA-1.
    static func make() -> AuthenticatorSecret {
        var generator = SystemRandomNumberGenerator()
        return AuthenticatorSecret(bytes: (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    init(bytes: [UInt8], digits: OTPDigits = .six) {
        self.bytes = bytes
        self.digits = digits
    }

    /// Reads a stored or typed base32 secret; nil if it is not base32.
    init?(base32 text: String) {
        var padded = text.uppercased()
        while padded.count % 8 != 0 { padded += "=" }
        guard let bytes = try? padded.base32decoded(), !bytes.isEmpty else { return nil }
        self.init(bytes: bytes)
    }

    /// The secret as authenticator apps take it typed in: base32, no padding.
    var base32: String { String(base32Encoding: bytes, options: .omitPaddingCharacter) }

    /// The step a moment falls in: seconds since 1970 divided by the period.
    func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(Self.period)).rounded(.down))
    }

    /// The code for one step: a TOTP is the HOTP of its step (RFC 6238 section 4).
    func code(step: Int64) -> String {
        HOTP(key: SymmetricKey(data: bytes), digest: .sha1, digits: digits).generate(counter: UInt64(bitPattern: step))
    }

    func code(at date: Date) -> String {
        TOTP(key: SymmetricKey(data: bytes), digest: .sha1, digits: digits, interval: Self.period).generate(time: date)
    }

    /// The step whose code this is, looking one step either side of `date` for a clock that drifts
    /// (RFC 6238 section 5.2); nil if none matches. Every candidate is compared in constant time.
    func matchingStep(of code: String, at date: Date) -> Int64? {
        let candidates = TOTP(key: SymmetricKey(data: bytes), digest: .sha1, digits: digits, interval: Self.period)
            .generate(time: date, range: 1)
        let first = step(at: date) - 1
        var found: Int64?
        for (offset, candidate) in candidates.enumerated() where Self.constantTimeEqual(candidate, code) {
            found = found ?? first + Int64(offset)
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
            URLQueryItem(name: "secret", value: base32),
            URLQueryItem(name: "issuer", value: issuer),
            URLQueryItem(name: "algorithm", value: "SHA1"),
            URLQueryItem(name: "digits", value: String(digits.rawValue)),
            URLQueryItem(name: "period", value: String(Self.period)),
        ]
        return components.string ?? "otpauth://totp/?secret=\(base32)"
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
