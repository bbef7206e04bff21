import Foundation

extension URL {
    /// `scheme://host[:port]`, the form browsers compare `event.origin` against.
    var origin: String {
        guard let scheme, let host else { return absoluteString }
        if let port { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }
}
