import Fluent
import Foundation
import Vapor

/// Cancels a Calendly meeting as its host (`POST /scheduled_events/{uuid}/cancellation`), from the
/// Consultation page or the API. Calendly first: the meeting is recorded canceled only once
/// Calendly has canceled it, so the CRM never shows canceled a meeting the student still expects.
/// The webhook that follows finds the same values and changes nothing.
struct HostCancellation {
    let app: Application

    static let reasonLimit = 500

    func cancel(_ id: UUID, reason: String?, now: Date = Date()) async throws -> Consultation {
        let reason = try FieldRules.optionalText(reason, field: "reason", maxLength: Self.reasonLimit)
        guard let consultation = try await Consultation.query(on: app.db).filter(\.$id == id).with(\.$student).first() else {
            throw AppError.notFound("Consultation")
        }
        guard let eventURI = consultation.calendlyEventURI else {
            throw AppError.invalid(field: "status", message: "only a meeting booked through Calendly can be canceled in Calendly; delete this one instead")
        }
        guard consultation.status == .scheduled else {
            throw AppError.conflict("is \(consultation.status.rawValue), so there is nothing to cancel", field: "status")
        }
        guard consultation.consultationDate > now else {
            throw AppError.invalid(field: "status", message: "has already started; Calendly cancels only meetings still to come")
        }
        let cancellation: CalendlyCancellation
        do {
            let client = try app.calendly.client(app.appConfig.calendly)
            cancellation = try await client.cancelEvent(eventURI, reason: reason)
        } catch let error as CalendlyError {
            throw error.asActionError
        }
        return try await app.databaseWriter.transaction(on: app.db) { db in
            guard let stored = try await Consultation.query(on: db).filter(\.$id == id).with(\.$student).first() else {
                throw AppError.notFound("Consultation")
            }
            if stored.status != .canceled {
                stored.status = .canceled
                stored.canceledAt = cancellation.createdAt ?? now
                stored.canceledBy = cancellation.canceledBy ?? "host"
                stored.cancelReason = cancellation.reason ?? reason
                try await stored.save(on: db)
            }
            return stored
        }
    }
}

extension CalendlyError {
    /// How a refused action reaches the owner: a 4xx they can act on where Calendly's answer says
    /// what to change, else Calendly is unavailable.
    var asActionError: AppError {
        switch self {
        case .timeNotOpen: .conflict("is no longer open in Calendly; choose another time", field: "start_time")
        case .limitReached(let seconds, _): .throttled(retryAfter: seconds, message: "\(message) \(hint)")
        case .rateLimited(let seconds): .throttled(retryAfter: seconds, message: "\(message) Try again in \(seconds) seconds.")
        case .notConfigured, .unauthorized, .missingScope, .planLimit, .forbidden: .unavailable("\(message) \(hint)")
        case .notFound: .conflict("Calendly no longer has this meeting or meeting type: \(message)")
        case .badRequest(let detail): .conflict("Calendly refused it: \(detail)")
        default: .unavailable("\(message) \(hint)")
        }
    }
}
