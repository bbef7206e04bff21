import Crypto
import Foundation

/// Calendly's webhook signature: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`
/// over `"<t>.<raw body>"`, keyed with the subscription's signing key (REFERENCE §4.3).
enum WebhookSignature {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case missing, malformed, stale, mismatch

        var description: String {
            switch self {
            case .missing: "no Calendly-Webhook-Signature header"
            case .malformed: "the Calendly-Webhook-Signature header is not t=...,v1=..."
            case .stale: "the signature's timestamp is outside the allowed window"
            case .mismatch: "the signature does not match the body"
            }
        }
    }

    /// Calendly sends one `v1` entry; a few are allowed for a key rotation, no more, so a header
    /// cannot make the server do more than a handful of comparisons.
    static let maxSignatures = 4
    /// `t=...,v1=...`: a timestamp and 64 hex digits (with room for a few entries).
    static let maxHeaderLength = 512

    /// A parsed header: when it was signed and the candidate MACs.
    struct Header: Sendable {
        var timestamp: String
        var signatures: [Data]

        /// Checks what can be checked before the body arrives: the shape and the time window.
        init(_ header: String?, now: Date, tolerance: TimeInterval) throws {
            guard let header, !header.isEmpty else { throw Failure.missing }
            guard header.utf8.count <= WebhookSignature.maxHeaderLength else { throw Failure.malformed }
            var timestamp: String?
            var signatures: [Data] = []
            for part in header.split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                if pair[0] == "t" { timestamp = pair[1] }
                if pair[0] == "v1", let bytes = Data(hex: pair[1]), bytes.count == SHA256.byteCount { signatures.append(bytes) }
            }
            guard let timestamp, let seconds = Int(timestamp), !signatures.isEmpty,
                  signatures.count <= WebhookSignature.maxSignatures else { throw Failure.malformed }
            guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else { throw Failure.stale }
            self.timestamp = timestamp
            self.signatures = signatures
        }

        /// Throws unless one candidate is the MAC of exactly `body`: the MAC is computed once per
        /// key (at most two: a recreated subscription's old and new) and compared with each
        /// candidate in constant time.
        func verify(body: Data, keys: [String]) throws {
            let message = Data(timestamp.utf8) + Data(".".utf8) + body
            for key in keys {
                let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.utf8)))
                // swift-crypto's == between a MAC and bytes is constant-time.
                if signatures.contains(where: { mac == $0 }) { return }
            }
            throw Failure.mismatch
        }

        func verify(body: Data, key: String) throws {
            try verify(body: body, keys: [key])
        }
    }

    /// Throws unless `header` signs exactly `body` with `key`, within `tolerance` seconds of `now`.
    static func verify(header: String?, body: Data, key: String, now: Date, tolerance: TimeInterval) throws {
        try Header(header, now: now, tolerance: tolerance).verify(body: body, key: key)
    }

    /// The header value Calendly would send; used by tests, the benchmark and replays.
    static func sign(body: Data, key: String, timestamp: Int) -> String {
        let message = Data(String(timestamp).utf8) + Data(".".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.utf8)))
        return "t=\(timestamp),v1=" + Data(mac).map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    /// Bytes from lowercase or uppercase hex; nil when it is not hex.
    init?(hex: String) {
        guard hex.count % 2 == 0, hex.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
