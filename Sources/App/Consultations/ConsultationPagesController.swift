import Fluent
import Vapor

/// The Consultation page: details, booking answers, Calendly links, edits and status changes.
struct ConsultationPagesController {
    func show(req: Request) async throws -> Response {
        let consultation = try await find(req)
        return try await render(req, consultation, form: ConsultationEditForm(consultation), errors: [:], status: .ok)
    }

    /// The page again after a follow-up form on it was refused, with what was typed.
    func show(_ req: Request, id: UUID, followUps: FollowUpFormState, status: HTTPStatus) async throws -> Response {
        guard let consultation = try await Consultation.query(on: req.db).filter(\.$id == id).with(\.$student).first() else {
            throw AppError.notFound("Consultation")
        }
        return try await render(req, consultation, form: ConsultationEditForm(consultation), errors: [:], followUpState: followUps, status: status)
    }

    func edit(req: Request) async throws -> Response {
        let consultation = try await find(req)
        let form = try req.content.decode(ConsultationEditForm.self)
        do {
            let saved = try await req.consultations.update(try consultation.requireID(), .init(
                type: form.type, topic: form.topic ?? "", notes: form.notes ?? "", followUpNotes: form.followUpNotes ?? ""
            ))
            return req.redirect(to: AppRoute.consultation(try saved.requireID()).path + "?notice=\(Notice.consultationSaved.rawValue)")
        } catch let error as AppError {
            return try await render(req, consultation, form: form, errors: error.formErrors, status: error.status)
        }
    }

    func changeStatus(req: Request) async throws -> Response {
        let consultation = try await find(req)
        let form = try req.content.decode(StatusForm.self)
        do {
            let saved = try await req.consultations.update(try consultation.requireID(), .init(status: form.status))
            if form.back == "today" { return req.redirect(to: AppRoute.today.path + "?notice=\(Notice.consultationSaved.rawValue)#needs-notes") }
            return req.redirect(to: AppRoute.consultation(try saved.requireID()).path + "?notice=\(Notice.consultationSaved.rawValue)")
        } catch let error as AppError {
            return try await render(req, consultation, form: ConsultationEditForm(consultation), errors: error.formErrors, status: error.status)
        }
    }

    /// Notes written on the Today page: only the notes change. A refused save shows the
    /// consultation's own page with the text in its notes box.
    func saveNotes(req: Request) async throws -> Response {
        let consultation = try await find(req)
        let form = try req.content.decode(NotesForm.self)
        do {
            _ = try await req.consultations.update(try consultation.requireID(), .init(notes: form.notes ?? ""))
            return req.redirect(to: AppRoute.today.path + "?notice=\(Notice.consultationSaved.rawValue)#needs-notes")
        } catch let error as AppError where error.isAboutInput {
            var edit = ConsultationEditForm(consultation)
            edit.notes = form.notes
            return try await render(req, consultation, form: edit, errors: error.formErrors, status: error.status)
        }
    }

    /// Cancels in Calendly as the host; a refusal shows the page again with the reason kept.
    func cancelAsHost(req: Request) async throws -> Response {
        let consultation = try await find(req)
        let form = try req.content.decode(HostCancelForm.self)
        do {
            let saved = try await HostCancellation(app: req.application).cancel(try consultation.requireID(), reason: form.reason)
            return req.redirect(to: AppRoute.consultation(try saved.requireID()).path + "?notice=\(Notice.canceledAsHost.rawValue)")
        } catch let error as AppError {
            var errors = error.formErrors
            if errors["reason"] == nil { errors["cancel"] = errors["form"] ?? errors["status"] ?? error.reason }
            return try await render(req, consultation, form: ConsultationEditForm(consultation), errors: errors, cancelForm: form, status: error.status)
        }
    }

    /// "Send to Calendly again" for a no-show change Calendly has not got.
    func sendNoShow(req: Request) async throws -> Response {
        let consultation = try await find(req)
        let id = try consultation.requireID()
        await req.application.noShowSender.send(id)
        let sent = try await Consultation.find(id, on: req.db)?.noShowSendError == nil
        return req.redirect(to: AppRoute.consultation(id).path + "?notice=\((sent ? Notice.noShowSent : .noShowNotSent).rawValue)")
    }

    private func find(_ req: Request) async throws -> Consultation {
        let id = try req.uuidParameter()
        guard let consultation = try await Consultation.query(on: req.db).filter(\.$id == id).with(\.$student).first() else {
            throw AppError.notFound("Consultation")
        }
        return consultation
    }

    private func render(_ req: Request, _ c: Consultation, form: ConsultationEditForm, errors: [String: String],
                        followUpState: FollowUpFormState = FollowUpFormState(), cancelForm: HostCancelForm = HostCancelForm(),
                        status: HTTPStatus) async throws -> Response {
        let id = try c.requireID()
        let time = req.timeDisplay
        let followUps = try await FollowUp.agreed(in: [id], on: req.db)[id] ?? []
        // A meeting still to come starts with its brief.
        let now = Date()
        let brief = c.status == .scheduled && c.consultationDate > now
            ? try await ConsultationBrief.load(id, now: now, zone: time.zone, on: req.db).map { BriefView($0, time: time) } : nil
        // The other end of a reschedule, named by when it is rather than "the other booking".
        let linked = try await Consultation.query(on: req.db)
            .filter(\.$id ~~ [c.rescheduledFromID, c.rescheduledToID].compactMap { $0 }).all()
        let when = { (id: UUID?) in id.flatMap { id in linked.first { $0.id == id } }.map { time.formatShort($0.consultationDate) } }
        let context = ConsultationPageContext(
            page: PageChrome(request: req, title: "\(c.type) with \(c.student.name)", section: "calendar", path: AppRoute.consultation(id).path),
            id: id.uuidString, studentName: c.student.name, studentLink: AppRoute.student(try c.student.requireID()).path,
            type: c.type, when: time.format(c.consultationDate), endsAt: c.endDate.map(time.format), duration: c.duration,
            status: c.status.rawValue, statusLabel: BookingTags.statusLabel(c.status, moved: c.moved),
            marking: StatusMarking(c, now: now), brief: brief,
            location: LocationWords.describe(c.location), joinURL: c.joinURL.flatMap(SafeLink.http),
            // The host cancels with the form below: the invitee's own cancel link would record the
            // student as the one who canceled.
            cancelURL: nil,
            rescheduleURL: c.isLive ? c.rescheduleURL.flatMap(SafeLink.http) : nil,
            calendlyEventURI: c.calendlyEventURI.nonEmpty, cancelReason: c.cancelReason.nonEmpty, canceledBy: c.canceledBy.nonEmpty,
            canceledAt: c.canceledAt.map(time.format),
            rescheduledFrom: c.rescheduledFromID.map { AppRoute.consultation($0).path },
            rescheduledFromWhen: when(c.rescheduledFromID),
            rescheduledTo: c.rescheduledToID.map { AppRoute.consultation($0).path },
            rescheduledToWhen: when(c.rescheduledToID),
            calendlyInviteeURI: c.calendlyInviteeURI.nonEmpty,
            openInCalendly: c.calendlyEventURI != nil && !req.application.appConfig.sandboxMode ? CalendlyWebApp.scheduledEvents : nil,
            answers: c.questionsAndAnswers ?? [], hasAnswers: !(c.questionsAndAnswers ?? []).isEmpty, inviteeTimezone: c.inviteeTimezone.nonEmpty,
            form: form, errors: errors,
            followUps: FollowUpSection(consultationID: id, followUps: followUps, today: time.today(),
                                       newForm: followUpState.newForm, errors: followUpState.errors, editing: followUpState.editing),
            editAction: AppRoute.consultation(id).path, statusAction: AppRoute.consultationStatus(id).path,
            tags: BookingTags.of(scheduledBy: c.inviteeScheduledBy, ownerUserURI: try await req.calendlyUserURI(),
                                 unconfirmed: c.isUnconfirmed, moved: c.moved, status: c.status),
            noShowSendError: c.noShowSendError, noShowSendAction: AppRoute.consultationNoShowSend(id).path,
            cancelAction: AppRoute.consultationCancel(id).path,
            cancelForm: cancelForm,
            bookNextLink: c.student.archivedAt == nil ? AppRoute.studentBook(try c.student.requireID(), eventType: c.calendlyEventTypeURI).path : nil
        )
        return try await req.view.render("consultation", context).encodeResponse(status: status, for: req)
    }
}
