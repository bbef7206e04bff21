import Foundation

extension Wire {
    func locationJSON(_ kind: LocationKind, eventUUID: String) -> JSON {
        switch kind {
        case .googleConference:
            // A sandbox page stands in for the meeting room, so nothing points off the machine.
            return .object([("type", .string("google_conference")), ("status", .string("pushed")),
                            ("join_url", .string("\(base)/_sandbox/meet/\(eventUUID)"))])
        case .physical(let place):
            return .object([("type", .string("physical")), ("location", .string(place))])
        case .custom(let text):
            return .object([("type", .string("custom")), ("location", .string(text))])
        }
    }

    func cancellationJSON(_ c: CancellationRecord) -> JSON {
        .object([
            ("canceled_by", .string(c.canceledBy)), ("reason", .string(c.reason)),
            ("canceler_type", .string(c.cancelerType)), ("created_at", .string(CalendlyTime.format(c.createdAt))),
        ])
    }

    func eventJSON(_ event: ScheduledEventRecord, invitees: [InviteeRecord]) -> JSON {
        var pairs: [(String, JSON)] = [
            ("uri", .string(eventURI(event.uuid))), ("name", .string(event.name)),
            ("status", .string(event.status)),
            ("start_time", .string(CalendlyTime.format(event.start))),
            ("end_time", .string(CalendlyTime.format(event.end))),
            ("event_type", .string(eventTypeURI(event.eventTypeUUID))),
            ("location", locationJSON(event.location, eventUUID: event.uuid)),
            ("invitees_counter", .object([
                ("total", .int(invitees.count)),
                ("active", .int(invitees.filter { $0.status == "active" }.count)), ("limit", .int(1)),
            ])),
            ("created_at", .string(CalendlyTime.format(event.createdAt))),
            ("updated_at", .string(CalendlyTime.format(event.updatedAt))),
            ("event_memberships", .array([.object([
                ("user", .string(userURI)), ("user_email", .string(user.email)), ("user_name", .string(user.name)),
            ])])),
            ("event_guests", .array(event.guests.map { email in
                .object([("email", .string(email)), ("created_at", .string(CalendlyTime.format(event.createdAt))),
                         ("updated_at", .string(CalendlyTime.format(event.createdAt)))])
            })),
            ("calendar_event", .null),
            ("meeting_notes_plain", .null), ("meeting_notes_html", .null),
        ]
        if let cancellation = event.cancellation {
            pairs.append(("cancellation", cancellationJSON(cancellation)))
        }
        return .object(pairs)
    }

    func inviteeJSON(_ invitee: InviteeRecord) -> JSON {
        let t = invitee.tracking
        var pairs: [(String, JSON)] = [
            ("uri", .string(inviteeURI(invitee.key))), ("event", .string(eventURI(invitee.eventUUID))),
            ("email", .string(invitee.email)), ("name", .string(invitee.name)),
            ("first_name", .string(invitee.firstName)), ("last_name", .string(invitee.lastName)),
            ("status", .string(invitee.status)),
            ("timezone", .string(invitee.timezone)),
            ("questions_and_answers", .array(invitee.answers.map { qa in
                .object([("question", .string(qa.question)), ("answer", .string(qa.answer)),
                         ("position", .int(qa.position))])
            })),
            ("tracking", .object([
                ("utm_campaign", .string(t.utmCampaign)), ("utm_source", .string(t.utmSource)),
                ("utm_medium", .string(t.utmMedium)), ("utm_content", .string(t.utmContent)),
                ("utm_term", .string(t.utmTerm)), ("salesforce_uuid", .string(t.salesforceUUID)),
            ])),
            ("text_reminder_number", .string(invitee.textReminderNumber)), ("rescheduled", .bool(invitee.rescheduled)),
            ("old_invitee", .string(invitee.oldInvitee.map(inviteeURI))),
            ("new_invitee", .string(invitee.newInvitee.map(inviteeURI))),
            ("cancel_url", .string(cancelURL(invitee.uuid))),
            ("reschedule_url", .string(rescheduleURL(invitee.uuid))),
            ("routing_form_submission", .null), ("payment", .null),
            ("no_show", invitee.noShow.map(noShowSummaryJSON) ?? .null),
            ("reconfirmation", invitee.reconfirmation.map(reconfirmationJSON) ?? .null),
            ("scheduling_method", .string(invitee.schedulingMethod)),
            ("invitee_scheduled_by", invitee.scheduledByOwner ? .string(userURI) : .null),
            ("created_at", .string(CalendlyTime.format(invitee.createdAt))),
            ("updated_at", .string(CalendlyTime.format(invitee.updatedAt))),
        ]
        if let cancellation = invitee.cancellation {
            pairs.append(("cancellation", cancellationJSON(cancellation)))
        }
        return .object(pairs)
    }

    /// The webhook payload: the invitee with its scheduled event embedded (REFERENCE.md §4.2).
    func inviteePayloadJSON(_ invitee: InviteeRecord, event: ScheduledEventRecord,
                            eventInvitees: [InviteeRecord], noShow: NoShowRecord? = nil) -> JSON {
        var json = inviteeJSON(invitee).setting("scheduled_event", eventJSON(event, invitees: eventInvitees))
        if let noShow { json = json.setting("no_show", noShowSummaryJSON(noShow)) }
        return json
    }

    private func reconfirmationJSON(_ r: ReconfirmationRecord) -> JSON {
        .object([("created_at", .string(CalendlyTime.format(r.createdAt))),
                 ("confirmed_at", .string(r.confirmedAt.map(CalendlyTime.format)))])
    }

    private func noShowSummaryJSON(_ n: NoShowRecord) -> JSON {
        .object([("uri", .string(noShowURI(n.uuid))), ("created_at", .string(CalendlyTime.format(n.createdAt)))])
    }

    func noShowJSON(_ n: NoShowRecord) -> JSON {
        .object([("uri", .string(noShowURI(n.uuid))), ("invitee", .string(inviteeURI(n.invitee))),
                 ("created_at", .string(CalendlyTime.format(n.createdAt)))])
    }

    func subscriptionJSON(_ s: SubscriptionRecord) -> JSON {
        .object([
            ("uri", .string(subscriptionURI(s.uuid))), ("callback_url", .string(s.callbackURL)),
            ("created_at", .string(CalendlyTime.format(s.createdAt))),
            ("updated_at", .string(CalendlyTime.format(s.updatedAt))),
            ("retry_started_at", .string(s.retryStartedAt.map(CalendlyTime.format))),
            ("state", .string(s.state)), ("events", .array(s.events.map(JSON.string))),
            ("scope", .string(s.scope)), ("organization", .string(organizationURI)),
            ("user", s.scope == "user" ? .string(userURI) : .null), ("creator", .string(userURI)),
        ])
    }
}
