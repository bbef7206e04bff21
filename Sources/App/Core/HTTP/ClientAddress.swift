import Foundation
import Vapor

/// The address a request came from. Behind a reverse proxy every request connects from the proxy,
/// so its `X-Forwarded-For` is believed, but only from a proxy the owner named in `TRUSTED_PROXIES`:
/// anyone else could write any address there, or lock the owner out by writing theirs.
enum ClientAddress {
    static func of(_ request: Request, trusting proxies: [IPRange]) -> String {
        throttleKey(address(of: request, trusting: proxies))
    }

    /// IPv6 clients are keyed by their /64: one network hands its hosts many addresses, and each
    /// new one must not start a fresh count.
    static func throttleKey(_ address: String) -> String {
        guard let bytes = IPRange.bytes(of: address), bytes.count == 16 else { return address }
        return IPRange.ipv6Groups(bytes.prefix(8)) + "::/64"
    }

    /// The client's address as a checked IP literal (or `unknown`), for the audit log and the session list.
    static func address(of request: Request, trusting proxies: [IPRange]) -> String {
        let connecting = request.remoteAddress?.ipAddress ?? "unknown"
        guard !proxies.isEmpty, proxies.contains(where: { $0.contains(connecting) }) else { return connecting }
        // Each proxy appends the address it saw; the rightmost one no trusted proxy added is the client.
        let hops = request.headers[.xForwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { withoutPort($0.trimmingCharacters(in: .whitespaces)) }
        for hop in hops.reversed() where !proxies.contains(where: { $0.contains(hop) }) {
            return IPRange.bytes(of: hop) == nil ? connecting : hop
        }
        return connecting
    }

    /// `203.0.113.7:5678` → `203.0.113.7`, `[2001:db8::1]:443` → `2001:db8::1`; a bare address as it is.
    static func withoutPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") { return String(hop[hop.index(after: hop.startIndex)..<close]) }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}

/// One address (`192.0.2.7`, `::1`) or a network (`10.0.0.0/8`, `fd00::/8`).
public struct IPRange: Sendable, Equatable {
    let network: [UInt8]
    let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = Self.bytes(of: first) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let length, (0...bytes.count * 8).contains(length) else { return nil }
        network = bytes
        prefixLength = length
    }

    func contains(_ address: String) -> Bool {
        Self.bytes(of: address).map(contains) ?? false
    }

    func contains(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(bytes, network) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if a & mask != b & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// `2001:db8:0:1`: IPv6 bytes as colon-separated hex groups.
    static func ipv6Groups<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let array = Array(bytes)
        return stride(from: 0, to: array.count - 1, by: 2)
            .map { String(UInt16(array[$0]) << 8 | UInt16(array[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    /// The address's bytes (4 for IPv4, 16 for IPv6), or nil when it is not an IP address.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
