import Fluent
import Vapor

/// `/api/consultations`: list with filters, create by hand, read, edit, delete.
struct ConsultationAPIController {
    func list(req: Request) async throws -> ConsultationListResponse {
        let query = req.queryReader
        let page = try query.page()
        let status = try query.string("status").map { try FieldRules.status($0) }
        let builder = Consultation.list(
            studentID: try query.uuid("student_id"), status: status,
            from: try query.date("from"), to: try query.date("to"), on: req.db
        )
        let total = try await builder.copy().count()
        let rows = try await builder.range(page.offset..<(page.offset + page.limit)).all()
        return ConsultationListResponse(consultations: try await rows.map { try ConsultationResponse($0) }.withFollowUps(on: req.db), total: total)
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeJSON(ConsultationCreateRequest.self)
        let consultation = try await req.consultations.create(.init(
            studentID: body.studentID, type: body.type, consultationDate: body.consultationDate, duration: body.duration,
            topic: body.topic, notes: body.notes, followUpNotes: body.followUpNotes, status: body.status
        ))
        return try await ConsultationResponse(consultation).withFollowUps(on: req.db).encodeResponse(status: .created, for: req)
    }

    func read(req: Request) async throws -> ConsultationResponse {
        let id = try req.uuidParameter()
        guard let consultation = try await Consultation.query(on: req.db).filter(\.$id == id).with(\.$student).first() else {
            throw AppError.notFound("Consultation")
        }
        return try await ConsultationResponse(consultation).withFollowUps(on: req.db)
    }

    func update(req: Request) async throws -> ConsultationResponse {
        let id = try req.uuidParameter()
        let body = try req.decodeJSON(ConsultationUpdateRequest.self)
        let consultation = try await req.consultations.update(id, .init(
            type: body.type, topic: body.topic, notes: body.notes, followUpNotes: body.followUpNotes, status: body.status
        ))
        return try await ConsultationResponse(consultation).withFollowUps(on: req.db)
    }

    /// The brief before a meeting (SPEC 10), kept under the data version until the owner's next
    /// midnight, when "days since the last meeting" moves on.
    func brief(req: Request) throws -> EventLoopFuture<Response> {
        let id = try req.uuidParameter()
        let zone = req.auth.get(Account.self)?.zone ?? .gmt
        let key = ConsultationBrief.CacheKey(consultationID: id, zone: zone.identifier)
        let cache = req.application.readCaches.briefs
        let db = req.db
        return req.cachedJSON(key, in: cache, build: { version in
            let now = Date()
            guard let brief = try await ConsultationBrief.load(id, now: now, zone: zone, on: db) else { throw AppError.notFound("Consultation") }
            let body = ByteBuffer(data: try PlainJSON.encode(try await ConsultationBriefResponse(brief, on: db)))
            cache.store(body, for: key, version: version, expires: ConsultationBrief.nextMidnight(after: now, in: zone))
            return body
        })
    }

    func delete(req: Request) async throws -> HTTPStatus {
        try await req.consultations.delete(try req.uuidParameter())
        return .noContent
    }
}
