import Foundation

/// Secrets as pages and commands may show them.
enum Secret {
    /// `eyJr…x9Q`: enough to recognise a key, never enough to use it.
    static func mask(_ secret: String) -> String {
        guard secret.count > 8 else { return String(repeating: "•", count: secret.count) }
        return "\(secret.prefix(4))…\(secret.suffix(3))"
    }
}
