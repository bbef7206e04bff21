import Fluent
import Foundation
import Vapor

/// `GET /api/consultations/{id}/brief`. Keys are spelled out so the cached answer can be written
/// with `PlainJSON`.
struct ConsultationBriefResponse: Content {
    var consultation: ConsultationResponse
    var student: StudentResponse
    var previous: [PreviousMeeting]
    var openFollowUps: [FollowUpResponse]
    var attendance: ConsultationBrief.Attendance
    @NullEncoded var daysSinceLastMeeting: Int?
    var answers: [QuestionAndAnswer]
    var firstMeeting: Bool

    enum CodingKeys: String, CodingKey {
        case consultation, student, previous, openFollowUps = "open_follow_ups", attendance
        case daysSinceLastMeeting = "days_since_last_meeting", answers, firstMeeting = "first_meeting"
    }

    /// An earlier meeting as the brief shows it.
    struct PreviousMeeting: Content {
        var id: UUID
        var type: String
        var consultationDate: Date
        var status: ConsultationStatus
        var topic: String
        var notes: String
        var followUpNotes: String

        enum CodingKeys: String, CodingKey {
            case id, type, consultationDate = "consultation_date", status, topic, notes, followUpNotes = "follow_up_notes"
        }

        init(_ row: ConsultationRow) {
            id = row.id
            type = row.type
            consultationDate = row.consultationDate
            status = row.status
            topic = row.topic
            notes = row.notes
            followUpNotes = row.followUpNotes
        }
    }

    init(_ brief: ConsultationBrief, on db: any Database) async throws {
        consultation = try await ConsultationResponse(brief.consultation, student: brief.student).withFollowUps(on: db)
        student = try StudentResponse(brief.student)
        previous = brief.previous.map(PreviousMeeting.init)
        openFollowUps = try brief.openFollowUps.map(FollowUpResponse.init)
        attendance = brief.attendance
        daysSinceLastMeeting = brief.daysSinceLastMeeting
        answers = brief.consultation.questionsAndAnswers ?? []
        firstMeeting = brief.isFirstMeeting
    }
}
