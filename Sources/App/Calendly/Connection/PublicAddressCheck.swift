import Foundation

/// Whether Calendly can deliver webhooks to `PUBLIC_BASE_URL`: it must reach the app over the
/// internet, over https.
enum PublicAddressCheck {
    static func problem(_ url: URL) -> String? {
        let host = (url.host ?? "").lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" || host.hasPrefix("127.") || host == "0.0.0.0" {
            return "\(url.absoluteString) is this machine's own address (loopback)"
        }
        if let bytes = IPRange.bytes(of: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))), isPrivate(bytes) {
            return "\(url.absoluteString) is a private network address"
        }
        if url.scheme != "https" {
            return "\(url.absoluteString) is plain http; Calendly delivers webhooks over https"
        }
        return nil
    }

    private static let privateRanges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10",
                                        "fc00::/7", "fe80::/10"].compactMap(IPRange.init)

    private static func isPrivate(_ bytes: [UInt8]) -> Bool {
        privateRanges.contains { $0.contains(bytes) }
    }
}
