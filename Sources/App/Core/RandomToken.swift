import Foundation

/// Secrets the app makes: session CSRF tokens, setup links, webhook signing keys.
enum RandomToken {
    /// 32 random bytes from the system's secure generator, URL-safe base64.
    static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
