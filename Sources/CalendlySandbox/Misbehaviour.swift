import Foundation

/// How often, and how, the sandbox misbehaves. Rates are probabilities from 0 to 1; decisions
/// are drawn from the seeded generator, so the same seed and traffic give the same failures.
public struct Misbehaviour: Sendable, Codable, Equatable {
    /// API answers replaced by 429 with `X-RateLimit-Reset`.
    public var rateLimitRate: Double
    /// API answers replaced by a 5xx.
    public var serverErrorRate: Double
    /// API answers held back by `slowDelay` seconds.
    public var slowRate: Double
    public var slowDelay: TimeInterval
    /// API answers whose JSON body is cut short.
    public var malformedJSONRate: Double
    /// Webhook deliveries sent twice.
    public var webhookDuplicateRate: Double
    /// Webhook deliveries held back and released later in shuffled order.
    public var webhookReorderRate: Double
    /// Webhook deliveries sent `webhookDelay` seconds late.
    public var webhookDelayRate: Double
    public var webhookDelay: TimeInterval
    /// Webhook deliveries never sent.
    public var webhookDropRate: Double
    /// Longest time a held delivery waits before it is released anyway.
    public var webhookHoldTimeout: TimeInterval

    public init(
        rateLimitRate: Double = 0, serverErrorRate: Double = 0,
        slowRate: Double = 0, slowDelay: TimeInterval = 2,
        malformedJSONRate: Double = 0,
        webhookDuplicateRate: Double = 0, webhookReorderRate: Double = 0,
        webhookDelayRate: Double = 0, webhookDelay: TimeInterval = 2,
        webhookDropRate: Double = 0, webhookHoldTimeout: TimeInterval = 2
    ) {
        self.rateLimitRate = rateLimitRate
        self.serverErrorRate = serverErrorRate
        self.slowRate = slowRate
        self.slowDelay = slowDelay
        self.malformedJSONRate = malformedJSONRate
        self.webhookDuplicateRate = webhookDuplicateRate
        self.webhookReorderRate = webhookReorderRate
        self.webhookDelayRate = webhookDelayRate
        self.webhookDelay = webhookDelay
        self.webhookDropRate = webhookDropRate
        self.webhookHoldTimeout = webhookHoldTimeout
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rateLimitRate = "rate_limit_rate"
        case serverErrorRate = "server_error_rate"
        case slowRate = "slow_rate"
        case slowDelay = "slow_delay"
        case malformedJSONRate = "malformed_json_rate"
        case webhookDuplicateRate = "webhook_duplicate_rate"
        case webhookReorderRate = "webhook_reorder_rate"
        case webhookDelayRate = "webhook_delay_rate"
        case webhookDelay = "webhook_delay"
        case webhookDropRate = "webhook_drop_rate"
        case webhookHoldTimeout = "webhook_hold_timeout"
    }

    /// The field names accepted by `POST /_sandbox/misbehaviour` and the command line.
    public static var settingNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Sets one field by its snake_case name; false when the name is unknown or the value is out of range.
    public mutating func set(_ name: String, to value: Double) -> Bool {
        guard let key = CodingKeys(rawValue: name), value >= 0, value.isFinite else { return false }
        let isRate = name.hasSuffix("_rate")
        if isRate && value > 1 { return false }
        switch key {
        case .rateLimitRate: rateLimitRate = value
        case .serverErrorRate: serverErrorRate = value
        case .slowRate: slowRate = value
        case .slowDelay: slowDelay = value
        case .malformedJSONRate: malformedJSONRate = value
        case .webhookDuplicateRate: webhookDuplicateRate = value
        case .webhookReorderRate: webhookReorderRate = value
        case .webhookDelayRate: webhookDelayRate = value
        case .webhookDelay: webhookDelay = value
        case .webhookDropRate: webhookDropRate = value
        case .webhookHoldTimeout: webhookHoldTimeout = value
        }
        return true
    }
}
