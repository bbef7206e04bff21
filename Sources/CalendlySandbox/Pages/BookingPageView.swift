import Foundation

/// Renders the booking page, the confirmation and the slot picker shared with rescheduling.
enum BookingPageView {
    static func booking(type: EventTypeRecord, hostName: String, slots: [Date], form: BookingForm,
                        error: String?) -> Page {
        var body = ""
        if !form.hidesDetails {
            body += "<p class=\"details\">\(HTML.escape(hostName))</p>"
            body += "<h1>\(HTML.escape(type.name))</h1>"
            body += "<p class=\"details\">\(type.duration) min"
            if let description = type.descriptionPlain { body += " · \(HTML.escape(description))" }
            body += "</p>"
        }
        if let error { body += "<p class=\"error\" role=\"alert\">\(HTML.escape(error))</p>" }
        let zone = TimeZonePicker.zone(named: form.timezone)
        body += "<form id=\"booking-form\" method=\"post\">"
        body += slotPicker(slots, chosen: form.start_time, zone: zone, picker: TimeZonePicker.html(selected: zone))
        body += "<fieldset><legend>Enter details</legend>"
        body += field("name", "Name", value: form.fullName, type: "text", required: true)
        body += field("email", "Email", value: form.email ?? "", type: "email", required: true)
        for question in type.questions.sorted(by: { $0.position < $1.position }) {
            let key = "a\(question.position + 1)"
            let value = form.answers.indices.contains(question.position) ? form.answers[question.position] : ""
            let label = HTML.escape(question.name) + (question.required ? " *" : "")
            body += "<label class=\"field\" for=\"\(key)\">\(label)</label>"
            if question.type == "text" {
                body += "<textarea id=\"\(key)\" name=\"\(key)\" rows=\"3\"\(question.required ? " required" : "")>\(HTML.escape(value))</textarea>"
            } else {
                body += "<input type=\"text\" id=\"\(key)\" name=\"\(key)\" value=\"\(HTML.escape(value))\"\(question.required ? " required" : "")>"
            }
        }
        body += "</fieldset>"
        body += BookingForm.hiddenInputs(form.carried)
        body += "<button type=\"submit\" id=\"schedule-event\">Schedule Event</button></form>"
        return Page(title: type.name, kind: "booking", attributes: form.embedAttributes, body: body,
                    status: error == nil ? .ok : .badRequest)
    }

    /// Times are labelled in `zone` (UTC when nil); booking.js re-labels them in the picked or
    /// the browser's zone from each `data-start`.
    static func slotPicker(_ slots: [Date], chosen: String?, zone: TimeZone? = nil, picker: String = "") -> String {
        guard !slots.isEmpty else { return "<p class=\"error\">No times are available.</p>" }
        var html = "<fieldset><legend>Select a Date &amp; Time</legend>\(picker)<div class=\"slots\">"
        for (index, slot) in slots.enumerated() {
            let value = CalendlyTime.format(slot)
            let checked = value == chosen ? " checked" : ""
            html += "<label for=\"slot-\(index)\"><input type=\"radio\" id=\"slot-\(index)\" name=\"start_time\" value=\"\(value)\" required\(checked)> "
                + "<span class=\"slot-time\" data-start=\"\(value)\">\(HTML.escape(CalendlyTime.display(slot, in: zone)))</span></label>"
        }
        return html + "</div></fieldset>"
    }

    static func field(_ name: String, _ label: String, value: String, type: String, required: Bool) -> String {
        "<label class=\"field\" for=\"\(name)\">\(label)</label>"
            + "<input type=\"\(type)\" id=\"\(name)\" name=\"\(name)\" value=\"\(HTML.escape(value))\"\(required ? " required" : "")>"
    }

    /// "You are scheduled": carries the URIs that booking.js posts as `calendly.event_scheduled`.
    static func scheduled(event: ScheduledEventRecord, invitee: InviteeRecord, wire: Wire, form: BookingForm,
                          heading: String = "You are scheduled") -> Page {
        var attributes = form.embedAttributes
        attributes["data-event-uri"] = wire.eventURI(event.uuid)
        attributes["data-invitee-uri"] = wire.inviteeURI(invitee.key)
        let body = """
        <h1 id="scheduled">\(HTML.escape(heading))</h1>
        <p class="done">\(HTML.escape(event.name)) with \(HTML.escape(wire.user.name)),
        \(HTML.escape(CalendlyTime.display(event.start, in: TimeZonePicker.zone(named: invitee.timezone)))). A calendar invitation has (not really) been sent to
        \(HTML.escape(invitee.email)).</p>
        <p><a href="\(HTML.escape(wire.rescheduleURL(invitee.uuid)))">Reschedule</a> ·
        <a href="\(HTML.escape(wire.cancelURL(invitee.uuid)))">Cancel</a></p>
        """
        return Page(title: heading, kind: "scheduled", attributes: attributes, body: body)
    }
}
