import Logging

/// The sandbox's parts, shared by every route. All mutable state sits in the actors.
final class SandboxContext: Sendable {
    let options: SandboxOptions
    let store: SandboxStore
    let chaos: Chaos
    let dispatcher: WebhookDispatcher
    let rateLimiter: RateLimiter
    let bookingLimiter = BookingLimiter()
    let requestLog = RequestLog()
    let tokens: TokenScopes
    let logger: Logger

    init(options: SandboxOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        store = SandboxStore(options: options)
        chaos = Chaos(seed: options.seed, settings: options.misbehaviour)
        dispatcher = WebhookDispatcher(store: store, chaos: chaos, options: options, logger: logger)
        rateLimiter = RateLimiter(limit: options.effectiveRateLimit)
        tokens = TokenScopes(defaultToken: options.apiToken, defaultScopes: options.tokenScopes)
    }

    /// Hands the webhooks a change produced to the dispatcher, without making the caller wait
    /// for delivery (Calendly answers the API call before the webhooks go out).
    func publish(_ webhooks: [OutgoingWebhook]) async {
        guard !webhooks.isEmpty else { return }
        await dispatcher.publish(webhooks)
    }
}
