import Fluent
import SQLKit

struct CreateConsultation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("consultations")
            .id()
            .field("student_id", .uuid, .required, .references("students", "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("consultation_date", .datetime, .required)
            .field("duration", .int, .required)
            .field("notes", .string, .required)
            .field("topic", .string, .required)
            .field("follow_up_notes", .string, .required)
            .field("status", .string, .required)
            .field("end_date", .datetime)
            .field("location", .string)
            .field("join_url", .string)
            .field("calendly_event_uri", .string)
            .field("calendly_invitee_uri", .string)
            .field("calendly_event_type_uri", .string)
            .field("cancel_url", .string)
            .field("reschedule_url", .string)
            .field("cancel_reason", .string)
            .field("canceled_by", .string)
            .field("canceled_at", .datetime)
            .field("rescheduled_from_id", .uuid)
            .field("rescheduled_to_id", .uuid)
            .field("questions_and_answers", .string)
            .field("invitee_timezone", .string)
            .field("calendly_updated_at", .datetime)
            .field("calendly_no_show", .bool)
            .field("no_show_changed_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = try database.sql()
        // One consultation per Calendly invitee; manual consultations have none (NULLs never clash).
        try await sql.raw("CREATE UNIQUE INDEX consultations_invitee_uri_unique ON consultations (calendly_invitee_uri)").run()
        // Upcoming meetings: status = 'scheduled' ordered by start.
        try await sql.raw("CREATE INDEX consultations_status_date ON consultations (status, consultation_date)").run()
        // A student's page: their consultations by date.
        try await sql.raw("CREATE INDEX consultations_student_date ON consultations (student_id, consultation_date)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("consultations").delete()
    }
}
