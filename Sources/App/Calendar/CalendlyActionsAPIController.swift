import Fluent
import Vapor

/// The API for acting on Calendly (SPEC 4.5): open times, booking for a student, single-use links,
/// the host's cancellation, and sending a no-show change again.
struct CalendlyActionsAPIController {
    struct OpenTimesResponse: Content {
        struct Time: Content {
            var startTime: Date
            @NullEncoded var schedulingURL: String?

            enum CodingKeys: String, CodingKey {
                case startTime = "start_time", schedulingURL = "scheduling_url"
            }
        }
        var times: [Time]
    }

    struct BookRequest: Content {
        var studentID: String?
        var eventType: String?
        var startTime: String?
        var topic: String?
        /// Answers to the meeting type's questions, keyed by the question's text.
        var answers: [String: String]?

        enum CodingKeys: String, CodingKey {
            case studentID = "student_id", eventType = "event_type", startTime = "start_time", topic, answers
        }
    }

    struct LinkRequest: Content {
        var studentID: String?
        var eventType: String?

        enum CodingKeys: String, CodingKey {
            case studentID = "student_id", eventType = "event_type"
        }
    }

    struct LinkResponse: Content {
        var bookingURL: String

        enum CodingKeys: String, CodingKey {
            case bookingURL = "booking_url"
        }
    }

    struct CancelRequest: Content {
        var reason: String?
    }

    func openTimes(req: Request) async throws -> OpenTimesResponse {
        let query = req.queryReader
        let times = try await OpenTimes(app: req.application).list(
            eventType: query.string("event_type"), from: try query.date("from"), to: try query.date("to"))
        return OpenTimesResponse(times: times.map { .init(startTime: $0.startTime, schedulingURL: $0.schedulingUrl) })
    }

    func book(req: Request) async throws -> Response {
        let body = try req.decodeJSON(BookRequest.self)
        let consultation = try await StudentBooking(app: req.application).book(.init(
            studentID: body.studentID, eventType: body.eventType, startTime: body.startTime, topic: body.topic,
            answers: body.answers ?? [:], ownerZone: req.timeDisplay.zoneName))
        return try await ConsultationResponse(consultation).withFollowUps(on: req.db).encodeResponse(status: .created, for: req)
    }

    func schedulingLink(req: Request) async throws -> Response {
        let body = try req.decodeJSON(LinkRequest.self)
        let url = try await SingleUseLinks(app: req.application).make(studentID: body.studentID, eventType: body.eventType)
        return try await LinkResponse(bookingURL: url).encodeResponse(status: .created, for: req)
    }

    func cancel(req: Request) async throws -> ConsultationResponse {
        let id = try req.uuidParameter()
        let body = (req.body.data?.readableBytes ?? 0) > 0 ? try req.decodeJSON(CancelRequest.self) : CancelRequest()
        let consultation = try await HostCancellation(app: req.application).cancel(id, reason: body.reason)
        return try await ConsultationResponse(consultation).withFollowUps(on: req.db)
    }

    /// Sends a no-show change Calendly has not got yet; the answer says whether it now has.
    func sendNoShow(req: Request) async throws -> ConsultationResponse {
        let id = try req.uuidParameter()
        await req.application.noShowSender.send(id)
        guard let consultation = try await Consultation.query(on: req.db).filter(\.$id == id).with(\.$student).first() else {
            throw AppError.notFound("Consultation")
        }
        return try await ConsultationResponse(consultation).withFollowUps(on: req.db)
    }
}
