import Fluent
import SQLKit

/// What acting on Calendly from the CRM needs (SPEC 4.5):
/// - students' `time_zone`, which a booking made for them is sent with;
/// - what Calendly says of how a meeting was booked (`scheduling_method`, `invitee_scheduled_by`),
///   whether the invitee still has to reconfirm, and whether a reschedule only moved it (same start);
/// - the no-show mark the CRM sends: the mark's URI as last known, the CRM's own last action on it
///   (so Calendly's echo of that action changes nothing), and why it was not sent, until it is.
struct AddCalendlyActions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("students").field("time_zone", .string).update()
        // SQLite adds one column per ALTER TABLE, so each field is its own update.
        let consultationFields: [(String, DatabaseSchema.DataType)] = [
            ("scheduling_method", .string), ("invitee_scheduled_by", .string),
            ("reconfirmation_requested_at", .datetime), ("reconfirmed_at", .datetime),
            ("no_show_mark_uri", .string), ("no_show_sent", .string), ("no_show_send_error", .string),
        ]
        for (name, type) in consultationFields {
            try await database.schema("consultations").field(.string(name), type).update()
        }
        try await database.schema("consultations")
            .field("moved", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        for name in ["moved", "no_show_send_error", "no_show_sent", "no_show_mark_uri", "reconfirmed_at",
                     "reconfirmation_requested_at", "invitee_scheduled_by", "scheduling_method"] {
            try await database.schema("consultations").deleteField(.string(name)).update()
        }
        try await database.schema("students").deleteField("time_zone").update()
    }
}
