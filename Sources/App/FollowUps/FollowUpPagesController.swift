import Fluent
import Vapor

/// Follow-ups on the Consultation page: add one, change it in place, tick it off or reopen it.
/// A refused save shows the page again with what was typed and the reason beside the field.
struct FollowUpPagesController {
    func add(req: Request) async throws -> Response {
        let consultationID = try req.uuidParameter()
        let form = try req.content.decode(FollowUpForm.self)
        do {
            _ = try await req.followUps.create(.init(studentID: nil, consultationID: consultationID, text: form.text,
                                                     owner: form.owner, dueOn: form.chosenDate))
            return req.redirect(to: AppRoute.consultation(consultationID).path + "?notice=\(Notice.followUpAdded.rawValue)#follow-ups")
        } catch let error as AppError where error.isAboutInput {
            return try await ConsultationPagesController().show(req, id: consultationID, followUps: .init(newForm: form, errors: error.formErrors),
                                                                status: error.status)
        }
    }

    func edit(req: Request) async throws -> Response {
        let followUp = try await find(req)
        let form = try req.content.decode(FollowUpForm.self)
        let dueOn: FollowUpEditor.Change<String> = form.chosenDate.map { .set($0) } ?? .clear
        do {
            let saved = try await req.followUps.update(try followUp.requireID(), .init(text: form.text ?? "", owner: form.owner, dueOn: dueOn))
            return try redirectBack(req, saved, notice: .followUpSaved)
        } catch let error as AppError where error.isAboutInput {
            guard let consultationID = followUp.$consultation.id else { throw error }
            return try await ConsultationPagesController().show(
                req, id: consultationID, followUps: .init(editing: (try followUp.requireID(), form, error.formErrors)), status: error.status)
        }
    }

    func toggleDone(req: Request) async throws -> Response {
        let followUp = try await find(req)
        let form = try req.content.decode(FollowUpDoneForm.self)
        guard let value = form.done, let done = Bool(value) else {
            throw AppError.badRequest(field: "done", message: "must be true or false")
        }
        let saved = try await req.followUps.update(try followUp.requireID(), .init(done: done))
        return try redirectBack(req, saved, notice: done ? .followUpDone : .followUpReopened)
    }

    private func find(_ req: Request) async throws -> FollowUp {
        guard let followUp = try await FollowUp.find(try req.uuidParameter(), on: req.db) else { throw AppError.notFound("Follow-up") }
        return followUp
    }

    /// To the consultation it was agreed in, or else its student.
    private func redirectBack(_ req: Request, _ followUp: FollowUp, notice: Notice) throws -> Response {
        let page = followUp.$consultation.id.map { AppRoute.consultation($0).path } ?? AppRoute.student(followUp.$student.id).path
        return req.redirect(to: page + "?notice=\(notice.rawValue)#follow-ups")
    }
}

/// What the Consultation page shows of a follow-up form that was refused.
struct FollowUpFormState {
    var newForm: FollowUpForm = .blank
    var errors: [String: String] = [:]
    var editing: (id: UUID, form: FollowUpForm, errors: [String: String])?
}

extension AppError {
    /// A refusal of what was typed (shown again beside the form), not a missing page.
    var isAboutInput: Bool {
        switch self {
        case .badRequest, .invalid, .invalidFields, .notFoundField, .conflict: true
        default: false
        }
    }
}
