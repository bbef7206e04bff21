import Vapor

/// `/_sandbox/test-page`: a plain host page that loads the widget and records every
/// `calendly.*` message, for browser tests and for trying the popup by hand.
enum TestPage {
    static let script = #"""
(function () {
  "use strict";
  window.__calendlyMessages = [];
  var log = document.getElementById("messages");
  window.addEventListener("message", function (e) {
    if (!e.data || typeof e.data.event !== "string" || e.data.event.indexOf("calendly.") !== 0) { return; }
    window.__calendlyMessages.push({ origin: e.origin, data: e.data });
    var item = document.createElement("li");
    item.className = "message";
    item.setAttribute("data-event", e.data.event);
    item.textContent = JSON.stringify(e.data);
    log.appendChild(item);
  });
  document.getElementById("open").addEventListener("click", function () {
    var b = this;
    Calendly.initPopupWidget({
      url: b.getAttribute("data-url"),
      prefill: { name: b.getAttribute("data-name"), email: b.getAttribute("data-email"),
                 customAnswers: { a1: b.getAttribute("data-a1") } },
      utm: { utmSource: "personal-crm", utmContent: b.getAttribute("data-utm-content") }
    });
  });
})();
"""#
}

struct TestPageRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.get("test-page", use: page)
        control.get("meet", ":event") { req in
            Page(title: "Meeting room", kind: "meet",
                 body: "<h1>Sandbox meeting room</h1><p>Meeting \(HTML.escape(req.parameters.get("event") ?? ""))</p>").response()
        }
    }

    /// Query `event_type` (slug) picks the event type; `name`, `email`, `a1`, `utm_content` the prefill.
    @Sendable func page(_ req: Request) async throws -> Response {
        let store = context.store
        let wire = await store.wire
        let slug = req.query[String.self, at: "event_type"] ?? "consultation-30"
        guard let type = await store.eventType(slug: slug) else { return Page.notFound("No such event type.") }
        let value = { (key: String, fallback: String) in HTML.escape(req.query[String.self, at: key] ?? fallback) }
        let html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Widget test page</title>
        <link rel="stylesheet" href="/assets/external/widget.css">
        <script src="/assets/external/widget.js"></script>
        </head><body>
        <h1>Widget test page</h1>
        <button type="button" id="open" data-url="\(HTML.escape(wire.schedulingURL(type)))"
          data-name="\(value("name", "Test Student"))" data-email="\(value("email", "test.student@student.example"))"
          data-a1="\(value("a1", "Exam preparation"))" data-utm-content="\(value("utm_content", "student-test"))">Schedule time with me</button>
        <ol id="messages"></ol>
        <script src="/assets/test-page.js"></script>
        </body></html>
        """
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }
}
