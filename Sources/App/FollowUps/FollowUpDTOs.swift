import Foundation
import Vapor

/// A follow-up as the API shows it: every column.
struct FollowUpResponse: Content {
    var id: UUID
    var studentID: UUID
    @NullEncoded var consultationID: UUID?
    var text: String
    var owner: FollowUpOwner
    @NullEncoded var dueOn: String?
    @NullEncoded var doneAt: Date?
    @NullEncoded var createdAt: Date?
    @NullEncoded var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, studentID = "student_id", consultationID = "consultation_id", text, owner, dueOn = "due_on"
        case doneAt = "done_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ followUp: FollowUp) throws {
        id = try followUp.requireID()
        studentID = followUp.$student.id
        consultationID = followUp.$consultation.id
        text = followUp.text
        owner = followUp.owner
        dueOn = followUp.dueOn
        doneAt = followUp.doneAt
        createdAt = followUp.createdAt
        updatedAt = followUp.updatedAt
    }
}

struct FollowUpListResponse: Content {
    var followUps: [FollowUpResponse]
    var total: Int

    enum CodingKeys: String, CodingKey {
        case followUps = "follow_ups", total
    }
}

/// `POST /api/follow-ups`: a student, or a consultation (whose student is meant), or both.
struct FollowUpCreateRequest: Content {
    var studentID: UUID?
    var consultationID: UUID?
    var text: String
    var owner: String?
    var dueOn: String?

    enum CodingKeys: String, CodingKey {
        case studentID = "student_id", consultationID = "consultation_id", text, owner, dueOn = "due_on"
    }
}

/// `PATCH /api/follow-ups/{id}`: only the fields sent change; `"due_on": null` clears the date.
struct FollowUpUpdateRequest: Decodable {
    var text: String?
    var owner: String?
    var dueOn: FollowUpEditor.Change<String>
    var done: Bool?

    enum CodingKeys: String, CodingKey {
        case text, owner, dueOn = "due_on", done
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        owner = try container.decodeIfPresent(String.self, forKey: .owner)
        done = try container.decodeIfPresent(Bool.self, forKey: .done)
        if !container.contains(.dueOn) {
            dueOn = .keep
        } else if try container.decodeNil(forKey: .dueOn) {
            dueOn = .clear
        } else {
            dueOn = .set(try container.decode(String.self, forKey: .dueOn))
        }
    }
}
