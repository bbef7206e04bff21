import Fluent
import Vapor

/// `POST /api/calendar/webhook/calendly` (SPEC 4.2): the signature header's shape and time window
/// before the body is read, the body within its size limit, the signature over the raw bytes, then
/// storage and processing committed together before the answer. Once stored, the answer is
/// 2xx whatever processing finds, so a bad payload never makes Calendly retry for a day and
/// disable the subscription.
struct WebhookController {
    static let maxBodySize: ByteCount = "1mb"

    struct Answer: Content {
        var status: String
    }

    func receive(req: Request) async throws -> Answer {
        let config = req.application.appConfig.calendly
        let keys: [String]
        do {
            keys = try await CalendlyConnectionStore(db: req.db, sandbox: req.application.appConfig.sandboxMode).signingKeys(configured: config.webhookSecret)
        } catch {
            req.application.metrics.webhookDelivery("unavailable")
            throw error
        }
        guard !keys.isEmpty else {
            throw AppError.unavailable("No webhook signing key is configured: set CALENDLY_WEBHOOK_SECRET or run `crm calendly subscribe`")
        }
        let body: Data
        do {
            // A stale or malformed header is refused before a byte of the body is read.
            let header = try WebhookSignature.Header(req.headers.first(name: "Calendly-Webhook-Signature"),
                                                     now: Date(), tolerance: TimeInterval(config.webhookToleranceSeconds))
            body = try await req.collectBody(max: Self.maxBodySize).get().map { Data(buffer: $0) } ?? Data()
            try header.verify(body: body, keys: keys)
        } catch let failure as WebhookSignature.Failure {
            req.logger.warning("Refused a Calendly webhook: \(failure) (from \(req.remoteAddress?.ipAddress ?? "?"))")
            req.application.metrics.webhookDelivery("signature_refused")
            throw AppError.unauthorized("Webhook signature refused: \(failure)")
        }
        do {
            let state = try await req.webhookInbox.receive(body: body)
            req.application.metrics.webhookDelivery(state.rawValue)
            return Answer(status: state.rawValue)
        } catch {
            req.application.metrics.webhookDelivery("unavailable")
            // Nothing was committed: a 503 makes Calendly deliver it again.
            // The error middleware answers an outage 503 and says it once per outage.
            if DatabaseOutage.isOutage(error) { throw error }
            req.logger.error("Could not store a Calendly webhook delivery: \(String(reflecting: error))")
            throw AppError.unavailable("The delivery could not be stored; Calendly will retry")
        }
    }
}
