import NIOConcurrencyHelpers
import Vapor

/// The one-time token of the setup link `serve` prints while no owner account exists.
/// Kept in memory only: a restart prints a new one, and using it once spends it.
final class SetupLink: Sendable {
    private let token = NIOLockedValueBox<String?>(nil)

    func issue() -> String {
        let fresh = RandomToken.make()
        token.withLockedValue { $0 = fresh }
        return fresh
    }

    func isValid(_ candidate: String) -> Bool {
        token.withLockedValue { current in
            guard let current else { return false }
            return CSRFToken.constantTimeEqual(candidate, current)
        }
    }

    /// Spends the token; returns false when it was not (or no longer) valid.
    func redeem(_ candidate: String) -> Bool {
        token.withLockedValue { current in
            guard let value = current, CSRFToken.constantTimeEqual(candidate, value) else { return false }
            current = nil
            return true
        }
    }
}

extension Application {
    private struct SetupLinkKey: StorageKey { typealias Value = SetupLink }
    private struct SignInThrottleKey: StorageKey { typealias Value = SignInThrottle }

    var setupLink: SetupLink {
        if let existing = storage[SetupLinkKey.self] { return existing }
        let link = SetupLink()
        storage[SetupLinkKey.self] = link
        return link
    }

    var signInThrottle: SignInThrottle {
        if let existing = storage[SignInThrottleKey.self] { return existing }
        let throttle = SignInThrottle()
        storage[SignInThrottleKey.self] = throttle
        return throttle
    }
}
