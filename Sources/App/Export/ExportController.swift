import Fluent
import Vapor

/// Taking the data out (SPEC 12): students and consultations as CSV, and everything but secrets as
/// one JSON document. Linked from Settings; the API's session or token decides who may.
struct ExportController {
    static let studentColumns = ["id", "name", "email", "phone", "notes", "time_zone", "source", "archived_at", "created_at", "updated_at"]
    static let consultationColumns = [
        "id", "student_id", "student_name", "student_email", "type", "consultation_date", "end_date", "duration", "status",
        "topic", "notes", "follow_up_notes", "location", "join_url", "calendly_event_uri", "calendly_invitee_uri",
        "calendly_event_type_uri", "cancel_url", "reschedule_url", "cancel_reason", "canceled_by", "canceled_at",
        "rescheduled_from_id", "rescheduled_to_id", "questions_and_answers", "invitee_timezone", "scheduling_method",
        "invitee_scheduled_by", "reconfirmation_requested_at", "reconfirmed_at", "moved", "calendly_updated_at",
        "created_at", "updated_at",
    ]

    struct Document: Content {
        var exportedAt: Date
        var students: [StudentResponse]
        var consultations: [ConsultationResponse]
        var followUps: [FollowUpResponse]

        enum CodingKeys: String, CodingKey {
            case exportedAt = "exported_at", students, consultations, followUps = "follow_ups"
        }
    }

    func studentsCSV(req: Request) async throws -> Response {
        let students = try await Student.query(on: req.db).sort(\.$name).sort(\.$id).all()
        var table = CSVTable(header: Self.studentColumns)
        table.rows = students.map { s in
            [s.id?.uuidString ?? "", s.name, s.email, s.phone, s.notes, s.timeZone ?? "", s.source.rawValue,
             Self.time(s.archivedAt), Self.time(s.createdAt), Self.time(s.updatedAt)]
        }
        await req.audit.record(.dataExported, .succeeded, "students.csv (\(students.count) students)")
        return try Self.file(table.data(), type: "text/csv; charset=utf-8", name: "students")
    }

    func consultationsCSV(req: Request) async throws -> Response {
        let consultations = try await Consultation.query(on: req.db).with(\.$student).sort(\.$consultationDate).sort(\.$id).all()
        var table = CSVTable(header: Self.consultationColumns)
        table.rows = consultations.map { c in
            [c.id?.uuidString ?? "", c.student.id?.uuidString ?? "", c.student.name, c.student.email, c.type,
             Self.time(c.consultationDate), Self.time(c.endDate), String(c.duration), c.status.rawValue,
             c.topic, c.notes, c.followUpNotes, c.location ?? "", c.joinURL ?? "", c.calendlyEventURI ?? "", c.calendlyInviteeURI ?? "",
             c.calendlyEventTypeURI ?? "", c.cancelURL ?? "", c.rescheduleURL ?? "", c.cancelReason ?? "", c.canceledBy ?? "",
             Self.time(c.canceledAt), c.rescheduledFromID?.uuidString ?? "", c.rescheduledToID?.uuidString ?? "",
             c.questionsAndAnswersJSON ?? "", c.inviteeTimezone ?? "", c.schedulingMethod ?? "", c.inviteeScheduledBy ?? "",
             Self.time(c.reconfirmationRequestedAt), Self.time(c.reconfirmedAt), c.moved ? "true" : "false",
             Self.time(c.calendlyUpdatedAt), Self.time(c.createdAt), Self.time(c.updatedAt)]
        }
        await req.audit.record(.dataExported, .succeeded, "consultations.csv (\(consultations.count) consultations)")
        return try Self.file(table.data(), type: "text/csv; charset=utf-8", name: "consultations")
    }

    func everything(req: Request) async throws -> Response {
        let students = try await Student.query(on: req.db).sort(\.$name).sort(\.$id).all()
        let consultations = try await Consultation.query(on: req.db).with(\.$student).sort(\.$consultationDate).sort(\.$id).all()
        let followUps = try await FollowUp.query(on: req.db).sort(\.$createdAt).sort(\.$id).all()
        let document = Document(exportedAt: Date(), students: try students.map { try StudentResponse($0) },
                                consultations: try consultations.map { try ConsultationResponse($0) },
                                followUps: try followUps.map { try FollowUpResponse($0) })
        let response = try await document.encodeResponse(for: req)
        await req.audit.record(.dataExported, .succeeded,
                                   "export.json (\(students.count) students, \(consultations.count) consultations, \(followUps.count) follow-ups)")
        response.headers.replaceOrAdd(name: .contentDisposition, value: Self.disposition("personal-crm", ext: "json"))
        return response
    }

    static func time(_ date: Date?) -> String {
        date.map(ISO8601.format) ?? ""
    }

    static func disposition(_ name: String, ext: String) -> String {
        "attachment; filename=\"\(name)-\(ISO8601.format(Date()).prefix(10)).\(ext)\""
    }

    static func file(_ data: Data, type: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: disposition(name, ext: "csv"))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
