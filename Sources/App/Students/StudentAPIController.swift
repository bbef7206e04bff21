import Fluent
import Vapor

/// `/api/students`: list with search, create, read with consultations, update, archive or purge.
struct StudentAPIController {
    func restore(req: Request) async throws -> StudentResponse {
        try StudentResponse(try await req.students.restore(try req.uuidParameter()))
    }

    func list(req: Request) async throws -> StudentListResponse {
        let query = req.queryReader
        let page = try query.page()
        let builder = Student.search(query.string("q"), includeArchived: try query.bool("include_archived"), on: req.db)
        let total = try await builder.copy().count()
        let students = try await builder.range(page.offset..<(page.offset + page.limit)).all()
        return StudentListResponse(students: try students.map { try StudentResponse($0) }, total: total)
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeJSON(StudentCreateRequest.self)
        let student = try await req.students.create(.init(name: body.name, email: body.email, phone: body.phone, notes: body.notes, timeZone: body.timeZone))
        return try await StudentResponse(student).encodeResponse(status: .created, for: req)
    }

    func read(req: Request) async throws -> StudentResponse {
        let id = try req.uuidParameter()
        let student = try await Self.find(id, req)
        let consultations = try await Consultation.query(on: req.db)
            .filter(\.$student.$id == id)
            .sort(\.$consultationDate, .descending)
            .all()
        var response = try StudentResponse(student, consultations: try await consultations.map { try ConsultationResponse($0, student: student) }.withFollowUps(on: req.db))
        response.openFollowUps = try await FollowUp.open(studentID: id, on: req.db).map(FollowUpResponse.init)
        return response
    }

    func update(req: Request) async throws -> StudentResponse {
        let id = try req.uuidParameter()
        _ = try await Self.find(id, req)
        let body = try req.decodeJSON(StudentUpdateRequest.self)
        let student = try await req.students.update(id, .init(name: body.name, email: body.email, phone: body.phone, notes: body.notes, timeZone: body.timeZone))
        return try StudentResponse(student)
    }

    /// An archived student is gone as far as reading by id goes (DELETE archives); the list still
    /// shows archived students with `?include_archived=true`, and the pages show them.
    private static func find(_ id: UUID, _ req: Request) async throws -> Student {
        guard let student = try await Student.find(id, on: req.db), student.archivedAt == nil else {
            throw AppError.notFound("Student")
        }
        return student
    }

    /// Archives; `?purge=true` erases the student and their consultations for good (archived or not).
    func delete(req: Request) async throws -> Response {
        let id = try req.uuidParameter()
        if try req.queryReader.bool("purge") {
            try await req.students.purge(id)
            await req.audit.record(.studentPurged, .succeeded, "student \(id.uuidString) and their consultations")
            return Response(status: .noContent)
        }
        _ = try await Self.find(id, req)
        let student = try await req.students.archive(id)
        return try await StudentResponse(student).encodeResponse(for: req)
    }
}
