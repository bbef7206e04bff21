import Crypto
import Foundation

/// Calendly's webhook signature: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>` where v1 is
/// HMAC-SHA256 over `"<t>.<raw body>"` keyed with the subscription's signing key
/// (REFERENCE.md §4.3).
public enum WebhookSigner {
    public static let headerName = "Calendly-Webhook-Signature"

    /// The lower-case hex HMAC of `"<timestamp>.<body>"`.
    public static func v1(body: some DataProtocol, signingKey: String, timestamp: Int) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(contentsOf: body)
        let key = SymmetricKey(data: Data(signingKey.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The whole header value, e.g. `t=1732456800,v1=4b1b...`.
    public static func header(body: some DataProtocol, signingKey: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(v1(body: body, signingKey: signingKey, timestamp: timestamp))"
    }
}
