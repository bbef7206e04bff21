import Fluent
import Foundation
import Vapor

/// Sends the owner's no-show changes to Calendly (SPEC 4.5): marking a Calendly meeting `no_show`
/// creates Calendly's mark; unmarking deletes it.
///
/// The owner's change is recorded first, with `no_show_send_error` set to `pending`, in the same
/// transaction as the status; sending clears it or replaces it with why Calendly refused. Whatever is
/// left set is retried by the next reconcile, so a crash between the two loses nothing.
struct NoShowSender: Sendable {
    let app: Application

    /// Shown until the send finishes; left only if the process stopped before it did.
    static let pending = "waiting to be sent"

    /// One send at a time: a mark and an unmark clicked in quick succession must reach Calendly in
    /// that order, and the unmark needs the mark's URI the first one learns.
    private static let lock = AsyncLock()

    /// Sends the pending change of one consultation, if it has one. Never throws: the outcome is
    /// stored on the consultation.
    func send(_ id: UUID) async {
        _ = try? await Self.lock.withLock { [app] in
            await Self.sendLocked(id, app: app)
        }
    }

    /// Sends every pending change; the count of those still not sent.
    func retryPending() async -> Int {
        let ids = (try? await Consultation.query(on: app.db).filter(\.$noShowSendError != nil).all(\.$id)) ?? []
        for id in ids { await send(id) }
        return (try? await Consultation.query(on: app.db).filter(\.$noShowSendError != nil).count()) ?? 0
    }

    private static func sendLocked(_ id: UUID, app: Application) async {
        guard let consultation = try? await Consultation.find(id, on: app.db), consultation.noShowSendError != nil,
              let inviteeURI = consultation.calendlyInviteeURI else { return }
        let wantMarked = consultation.status == .noShow
        let outcome: Result<String, CalendlyError>
        do {
            let client = try app.calendly.client(app.appConfig.calendly)
            outcome = .success(wantMarked
                ? try await mark(inviteeURI, client: client)
                : try await unmark(inviteeURI, knownMark: consultation.noShowMarkURI, client: client))
        } catch let error as CalendlyError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(.unreachable(String(describing: error)))
        }
        do {
            try await record(outcome, for: id, sentStatus: consultation.status, app: app)
        } catch {
            app.logger.error("Recording a no-show send failed: \(String(reflecting: error))")
        }
        if case .failure(let error) = outcome {
            app.logger.warning("No-show change not sent to Calendly: \(error.message)")
        }
    }

    /// Creates the mark; one that is already there counts as made (REFERENCE-2026: the answer to
    /// marking twice is not documented, so the invitee is read to find the mark).
    private static func mark(_ inviteeURI: String, client: CalendlyClient) async throws -> String {
        do {
            return NoShowOrdering.sent("created", try await client.markNoShow(inviteeURI: inviteeURI))
        } catch CalendlyError.badRequest(let detail) where detail.localizedCaseInsensitiveContains("already") {
            guard let uri = try await client.invitee(inviteeURI).noShow?.uri else { throw CalendlyError.badRequest(detail) }
            return NoShowOrdering.sent("created", uri)
        }
    }

    /// Deletes the mark, found on the invitee when the CRM never learnt its URI; none is success.
    private static func unmark(_ inviteeURI: String, knownMark: String?, client: CalendlyClient) async throws -> String {
        var markURI = knownMark
        if markURI == nil { markURI = try await client.invitee(inviteeURI).noShow?.uri }
        guard let markURI else { return "" }
        do {
            try await client.unmarkNoShow(markURI: markURI)
        } catch CalendlyError.notFound {
            // Already gone: what the owner wanted is true.
        }
        return NoShowOrdering.sent("deleted", markURI)
    }

    /// Stores what happened. The pending flag is cleared only if the status is still the one that
    /// was sent: a change made meanwhile is the next send's to make.
    private static func record(_ outcome: Result<String, CalendlyError>, for id: UUID, sentStatus: ConsultationStatus,
                               app: Application) async throws {
        try await app.databaseWriter.transaction(on: app.db) { db in
            guard let consultation = try await Consultation.find(id, on: db) else { return }
            let unchanged = consultation.status == sentStatus
            switch outcome {
            case .success(let sent):
                if !sent.isEmpty {
                    consultation.noShowSent = sent
                    let uri = String(sent.split(separator: " ", maxSplits: 1).last ?? "")
                    consultation.noShowMarkURI = uri
                    consultation.calendlyNoShow = sent.hasPrefix("created")
                } else {
                    consultation.calendlyNoShow = false
                }
                if unchanged { consultation.noShowSendError = nil }
            case .failure(let error):
                if unchanged { consultation.noShowSendError = String(error.message.prefix(500)) }
            }
            if consultation.hasChanges { try await consultation.save(on: db) }
        }
    }
}

extension Application {
    var noShowSender: NoShowSender { NoShowSender(app: self) }
}
