import Fluent
import NIOConcurrencyHelpers
import Vapor

/// What `serve` keeps doing beside answering requests: finishing webhook deliveries a crash left
/// `pending`, and reconciling with Calendly every `CALENDLY_SYNC_INTERVAL` minutes while a token is
/// configured, so missed webhooks and free-plan cancellations are caught (SPEC 4.4).
enum CalendlyBackgroundWork {
    static func start(_ app: Application) async {
        let task = Task {
            await processPendingDeliveries(app)
            let minutes = app.appConfig.calendly.syncIntervalMinutes
            guard minutes > 0 else { return }
            // A first reconcile shortly after start-up, then one every interval. Without a token
            // the loop looks again every few seconds, so a token entered on Settings (through any
            // instance) starts the reconciles without a restart.
            try? await Task.sleep(for: .seconds(2))
            while !Task.isCancelled {
                await refreshToken(app)
                if app.appConfig.calendly.isConfigured {
                    await reconcileOnce(app)
                    try? await Task.sleep(for: .seconds(minutes * 60))
                } else {
                    try? await Task.sleep(for: .seconds(min(minutes * 60, tokenLookInterval)))
                }
            }
        }
        app.lifecycle.use(CancelOnShutdown(task: task))
    }

    /// Seconds between looks for a token entered on Settings while none is configured.
    static let tokenLookInterval = 5

    private static func refreshToken(_ app: Application) async {
        do {
            try await app.refreshCalendlySettingsToken()
        } catch {
            // Only while the database is away (which the requests report); the token in use stays.
            app.logger.debug("Reading the Calendly token entered on Settings failed: \(String(reflecting: error))")
        }
    }

    static func processPendingDeliveries(_ app: Application) async {
        do {
            // One instance finishes them; the others, starting at the same time, leave it to it.
            try await ExclusiveWork.run(.pendingDeliveries, on: app.db) {
                let pending = try await WebhookDelivery.query(on: app.db).filter(\.$state == .pending).sort(\.$receivedAt).all()
                for delivery in pending where !Task.isCancelled {
                    try await app.webhookInbox.process(delivery)
                }
                if !pending.isEmpty { app.logger.info("Processed \(pending.count) webhook deliveries left pending") }
            }
        } catch {
            app.logger.error("Processing pending webhook deliveries failed: \(String(reflecting: error))")
        }
    }

    /// The periodic reconcile: on one instance at a time, and not again when another instance
    /// finished one within the last half interval (several instances share the work, not repeat it).
    static func reconcileOnce(_ app: Application) async {
        do {
            let interval = TimeInterval(app.appConfig.calendly.syncIntervalMinutes * 60)
            try await ExclusiveWork.run(.reconcile, on: app.db) {
                let store = CalendlyConnectionStore(db: app.db, sandbox: app.appConfig.sandboxMode)
                if let last = try await store.load()?.lastSyncAt, Date().timeIntervalSince(last) < interval / 2 { return }
                let counts = try await app.reconcileWithCalendly()
                app.logger.info("Calendly sync: \(counts.summary)")
            }
        } catch let error as CalendlyError {
            app.logger.warning("Calendly sync skipped: \(error.message) \(error.hint)")
        } catch {
            app.logger.error("Calendly sync failed: \(String(reflecting: error))")
        }
    }
}
