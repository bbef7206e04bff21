import Foundation
import Vapor

/// Calendly's list paging: `count` (1...100, default 20) and an opaque `page_token`; answers
/// carry `pagination` with all five keys and full `next_page`/`previous_page` URLs that keep
/// the caller's filters (REFERENCE.md §1.1).
struct PageRequest: Sendable {
    let count: Int
    let offset: Int

    static func parse(_ request: Request) throws(CalendlyError) -> PageRequest {
        var count = 20
        if let raw = request.query[String.self, at: "count"] {
            guard let value = Int(raw) ?? Double(raw).flatMap({ $0 == $0.rounded() ? Int($0) : nil }) else {
                throw .invalidArgument("count", "count must be an integer")
            }
            guard value >= 1 else { throw .invalidArgument("count", "count must be greater than or equal to 1") }
            guard value <= 100 else { throw .invalidArgument("count", "count must be less than or equal to 100") }
            count = value
        }
        var offset = 0
        if let token = request.query[String.self, at: "page_token"], !token.isEmpty {
            guard let decoded = PageToken.decode(token) else {
                throw .invalidArgument("page_token", "page_token is invalid")
            }
            offset = decoded
        }
        return PageRequest(count: count, offset: offset)
    }

    /// Slices `items` and wraps them as `{collection, pagination}`.
    func page(_ items: [JSON], request: Request, base: String) -> JSON {
        let start = min(offset, items.count)
        let end = min(start + count, items.count)
        let nextToken = end < items.count ? PageToken.encode(end) : nil
        let previousToken = start > 0 ? PageToken.encode(max(0, start - count)) : nil
        let pagination = JSON.object([
            ("count", .int(end - start)),
            ("next_page", .string(nextToken.map { url(request, base: base, token: $0) })),
            ("previous_page", .string(previousToken.map { url(request, base: base, token: $0) })),
            ("next_page_token", .string(nextToken)),
            ("previous_page_token", .string(previousToken)),
        ])
        return .object([("collection", .array(Array(items[start..<end]))), ("pagination", pagination)])
    }

    /// The same request with its own filters (still percent-encoded as sent), `count` made
    /// explicit and the new `page_token`.
    private func url(_ request: Request, base: String, token: String) -> String {
        var pairs = (request.url.query ?? "").split(separator: "&").map(String.init).filter {
            !$0.hasPrefix("page_token=") && !$0.hasPrefix("count=") && $0 != "page_token" && !$0.isEmpty
        }
        pairs.append("count=\(count)")
        pairs.append("page_token=\(token)")
        return "\(base)\(request.url.path)?\(pairs.joined(separator: "&"))"
    }
}

/// Opaque to callers; inside it is just the offset, base64url-encoded with a prefix.
enum PageToken {
    static func encode(_ offset: Int) -> String {
        Data("sbx:\(offset)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> Int? {
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8),
              plain.hasPrefix("sbx:"), let offset = Int(plain.dropFirst(4)), offset >= 0 else { return nil }
        return offset
    }
}
