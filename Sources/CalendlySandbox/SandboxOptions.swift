import Foundation

/// Everything that shapes one sandbox run. Every field has a default, so `SandboxOptions()`
/// is a well-behaved Calendly on a free loopback port.
public struct SandboxOptions: Sendable {
    /// Interface to bind; the sandbox is meant for loopback.
    public var host: String
    /// Port to bind; 0 picks a free one (read it back from `SandboxServer.baseURL`).
    public var port: Int
    /// Fixes the demo data, the ids the sandbox creates and every misbehaviour decision.
    public var seed: UInt64
    /// A plan that still refuses webhook subscriptions, with the 403 that asks for an upgrade (every
    /// plan has had webhooks since November 2026, but the wording is the app's cue for a plan
    /// limit); and the Free plan's 50 requests a minute.
    public var freePlan: Bool
    /// The personal access token accepted as `Authorization: Bearer ...`.
    public var apiToken: String
    /// The scopes `apiToken` was made with; nil is every scope (as a token made before March 2026).
    public var tokenScopes: [String]?
    /// Requests per minute per token; nil means Calendly's own (500 paid, 50 Free).
    public var rateLimitPerMinute: Int?
    /// Base for resource URIs when the sandbox sits behind another address; nil uses the bound one.
    public var publicBaseURL: String?
    /// Day the demo data is laid around; nil is today (UTC).
    public var referenceDate: Date?
    /// What goes wrong, and how often.
    public var misbehaviour: Misbehaviour
    /// Seconds between webhook retries; the last interval repeats until `disableAfter`.
    public var webhookRetrySchedule: [TimeInterval]
    /// A subscription failing for this long becomes `state: "disabled"` (Calendly: 24 hours).
    public var disableAfter: TimeInterval
    /// Per-delivery time-out (Calendly: 10 s to connect, 15 s to read).
    public var webhookTimeout: TimeInterval

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        seed: UInt64 = 42,
        freePlan: Bool = false,
        apiToken: String = SandboxOptions.defaultAPIToken,
        tokenScopes: [String]? = nil,
        rateLimitPerMinute: Int? = nil,
        publicBaseURL: String? = nil,
        referenceDate: Date? = nil,
        misbehaviour: Misbehaviour = Misbehaviour(),
        webhookRetrySchedule: [TimeInterval] = [60, 300, 900, 3_600, 3 * 3_600, 6 * 3_600],
        disableAfter: TimeInterval = 24 * 3_600,
        webhookTimeout: TimeInterval = 15
    ) {
        self.host = host
        self.port = port
        self.seed = seed
        self.freePlan = freePlan
        self.apiToken = apiToken
        self.tokenScopes = tokenScopes
        self.rateLimitPerMinute = rateLimitPerMinute
        self.publicBaseURL = publicBaseURL
        self.referenceDate = referenceDate
        self.misbehaviour = misbehaviour
        self.webhookRetrySchedule = webhookRetrySchedule
        self.disableAfter = disableAfter
        self.webhookTimeout = webhookTimeout
    }

    /// The demo token; only ever valid against a sandbox.
    public static let defaultAPIToken = "sandbox-pat-not-a-real-calendly-token"

    var effectiveRateLimit: Int {
        rateLimitPerMinute ?? (freePlan ? 50 : 500)
    }
}
