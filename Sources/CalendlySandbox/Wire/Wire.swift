import Foundation

/// Turns sandbox records into Calendly's JSON shapes (openapi.yaml `components.schemas`).
/// Every resource is named by a full URI under the sandbox's base, as Calendly's are under
/// `https://api.calendly.com`.
struct Wire: Sendable {
    let base: String
    let user: UserRecord
    let organization: OrganizationRecord

    // MARK: - URIs

    var userURI: String { "\(base)/users/\(user.uuid)" }
    var organizationURI: String { "\(base)/organizations/\(organization.uuid)" }
    var membershipURI: String { "\(base)/organization_memberships/\(organization.membershipUUID)" }
    var userSchedulingURL: String { "\(base)/\(user.slug)" }
    func eventTypeURI(_ uuid: String) -> String { "\(base)/event_types/\(uuid)" }
    func eventURI(_ uuid: String) -> String { "\(base)/scheduled_events/\(uuid)" }
    func inviteeURI(_ key: InviteeKey) -> String { "\(eventURI(key.eventUUID))/invitees/\(key.inviteeUUID)" }
    func noShowURI(_ uuid: String) -> String { "\(base)/invitee_no_shows/\(uuid)" }
    func subscriptionURI(_ uuid: String) -> String { "\(base)/webhook_subscriptions/\(uuid)" }
    func schedulingURL(_ type: EventTypeRecord) -> String { "\(userSchedulingURL)/\(type.slug)" }
    func cancelURL(_ inviteeUUID: String) -> String { "\(base)/cancellations/\(inviteeUUID)" }
    func rescheduleURL(_ inviteeUUID: String) -> String { "\(base)/reschedulings/\(inviteeUUID)" }

    // MARK: - Account

    func userJSON() -> JSON {
        .object([
            ("uri", .string(userURI)), ("name", .string(user.name)), ("slug", .string(user.slug)),
            ("email", .string(user.email)), ("scheduling_url", .string(userSchedulingURL)),
            ("timezone", .string(user.timezone)), ("avatar_url", .null),
            ("created_at", .string(CalendlyTime.format(user.createdAt))),
            ("updated_at", .string(CalendlyTime.format(user.updatedAt))),
            ("current_organization", .string(organizationURI)),
            // Seen in live answers though absent from the 2024 schema (REFERENCE.md §3.1).
            ("resource_type", .string("User")), ("locale", .string("en")),
        ])
    }

    func organizationJSON(freePlan: Bool) -> JSON {
        .object([
            ("uri", .string(organizationURI)), ("plan", .string(freePlan ? "basic" : "teams")),
            ("stage", .string(freePlan ? "free" : "paid")),
            ("created_at", .string(CalendlyTime.format(organization.createdAt))),
            ("updated_at", .string(CalendlyTime.format(organization.createdAt))),
        ])
    }

    func membershipJSON() -> JSON {
        let embeddedUser: [(String, JSON)] = [
            ("uri", .string(userURI)), ("name", .string(user.name)), ("slug", .string(user.slug)),
            ("email", .string(user.email)), ("scheduling_url", .string(userSchedulingURL)),
            ("timezone", .string(user.timezone)), ("avatar_url", .null),
            ("created_at", .string(CalendlyTime.format(user.createdAt))),
            ("updated_at", .string(CalendlyTime.format(user.updatedAt))),
        ]
        return .object([
            ("uri", .string(membershipURI)), ("role", .string("owner")), ("user", .object(embeddedUser)),
            ("organization", .string(organizationURI)),
            ("updated_at", .string(CalendlyTime.format(organization.createdAt))),
            ("created_at", .string(CalendlyTime.format(organization.createdAt))),
        ])
    }

    // MARK: - Event types

    func eventTypeJSON(_ type: EventTypeRecord) -> JSON {
        .object([
            ("uri", .string(eventTypeURI(type.uuid))), ("name", .string(type.name)),
            ("active", .bool(type.active)), ("booking_method", .string("instant")),
            ("slug", .string(type.slug)), ("scheduling_url", .string(schedulingURL(type))),
            ("duration", .int(type.duration)), ("kind", .string("solo")), ("pooling_type", .null),
            ("type", .string("StandardEventType")), ("kind_description", .string("One-on-One")),
            ("color", .string(type.color)),
            ("created_at", .string(CalendlyTime.format(type.createdAt))),
            ("updated_at", .string(CalendlyTime.format(type.updatedAt))),
            ("internal_note", .string(type.internalNote)),
            ("description_plain", .string(type.descriptionPlain)),
            ("description_html", .string(type.descriptionPlain.map { "<p>\(HTML.escape($0))</p>" })),
            ("profile", .object([("type", .string("User")), ("name", .string(user.name)),
                                 ("owner", .string(userURI))])),
            ("secret", .bool(type.secret)), ("deleted_at", .null), ("admin_managed", .bool(false)),
            ("custom_questions", .array(type.questions.map(questionJSON))),
        ])
    }

    private func questionJSON(_ q: CustomQuestion) -> JSON {
        .object([
            ("name", .string(q.name)), ("type", .string(q.type)), ("position", .int(q.position)),
            ("enabled", .bool(true)), ("required", .bool(q.required)),
            ("answer_choices", .array(q.answerChoices.map(JSON.string))), ("include_other", .bool(false)),
        ])
    }
}
