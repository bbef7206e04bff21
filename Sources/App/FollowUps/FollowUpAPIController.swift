import Fluent
import Vapor

/// `/api/follow-ups` (SPEC 10): list by student and state, add, read, change or tick off, delete.
struct FollowUpAPIController {
    func list(req: Request) async throws -> FollowUpListResponse {
        let query = req.queryReader
        let page = try query.page()
        let state = try query.string("state").map { value in
            guard let state = FollowUpState(rawValue: value) else {
                throw AppError.badRequest(field: "state", message: "must be open, done or all")
            }
            return state
        } ?? .open
        let builder = FollowUp.list(studentID: try query.uuid("student_id"), state: state, on: req.db)
        let total = try await builder.copy().count()
        let rows = try await builder.range(page.offset..<(page.offset + page.limit)).all()
        return FollowUpListResponse(followUps: try rows.map(FollowUpResponse.init), total: total)
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeJSON(FollowUpCreateRequest.self)
        let followUp = try await req.followUps.create(.init(
            studentID: body.studentID, consultationID: body.consultationID, text: body.text, owner: body.owner, dueOn: body.dueOn
        ))
        return try await FollowUpResponse(followUp).encodeResponse(status: .created, for: req)
    }

    func read(req: Request) async throws -> FollowUpResponse {
        guard let followUp = try await FollowUp.find(try req.uuidParameter(), on: req.db) else { throw AppError.notFound("Follow-up") }
        return try FollowUpResponse(followUp)
    }

    func update(req: Request) async throws -> FollowUpResponse {
        let id = try req.uuidParameter()
        let body = try req.decodeJSON(FollowUpUpdateRequest.self)
        let followUp = try await req.followUps.update(id, .init(text: body.text, owner: body.owner, dueOn: body.dueOn, done: body.done))
        return try FollowUpResponse(followUp)
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await req.followUps.delete(try req.uuidParameter())
        return .noContent
    }
}
