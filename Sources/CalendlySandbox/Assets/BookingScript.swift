/// Script and styles of the sandbox's own pages, served as files so the pages need no inline
/// script or style under their Content-Security-Policy.
enum BookingScript {
    /// Posts Calendly's messages to the embedding page (REFERENCE.md §5.4), but only when the
    /// page was opened with `embed_domain`, as Calendly's does.
    static let source = #"""
(function () {
  "use strict";
  var body = document.body;
  var embedded = window.parent && window.parent !== window && body.getAttribute("data-embed-domain");
  function post(event, payload) {
    if (!embedded) { return; }
    window.parent.postMessage({ event: event, payload: payload || {} }, "*");
  }
  var page = body.getAttribute("data-page");
  if (page === "booking") {
    post("calendly.event_type_viewed", {});
    var form = document.getElementById("booking-form");
    var radios = document.querySelectorAll("input[name=start_time]");
    for (var i = 0; i < radios.length; i++) {
      radios[i].addEventListener("change", function () {
        if (form) { form.classList.add("time-chosen"); }
        post("calendly.date_and_time_selected", {});
      });
    }
  } else if (page === "profile") {
    post("calendly.profile_page_viewed", {});
  } else if (page === "scheduled") {
    post("calendly.event_scheduled", {
      event: { uri: body.getAttribute("data-event-uri") },
      invitee: { uri: body.getAttribute("data-invitee-uri") }
    });
  }
  showTimesInZone();
  post("calendly.page_height", { height: document.documentElement.scrollHeight + "px" });

  // Times in the browser's zone, or the one picked, as Calendly shows them; the picked zone is
  // posted with the form and becomes the invitee's timezone.
  function showTimesInZone() {
    var picker = document.getElementById("timezone");
    var browserZone = "";
    try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { browserZone = ""; }
    if (picker && picker.getAttribute("data-zone-chosen") !== "true" && browserZone) {
      var listed = false;
      for (var i = 0; i < picker.options.length; i++) {
        if (picker.options[i].value === browserZone) { listed = true; }
      }
      if (!listed) {
        var option = document.createElement("option");
        option.value = browserZone;
        option.textContent = browserZone.replace(/_/g, " ");
        picker.insertBefore(option, picker.firstChild);
      }
      picker.value = browserZone;
    }
    function relabel() {
      var zone = picker ? picker.value : browserZone;
      if (!zone) { return; }
      var format;
      try {
        format = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", day: "numeric",
          month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      } catch (e) { return; }
      var labels = document.querySelectorAll(".slot-time[data-start]");
      for (var j = 0; j < labels.length; j++) {
        var parts = {};
        format.formatToParts(new Date(labels[j].getAttribute("data-start"))).forEach(function (part) {
          parts[part.type] = part.value;
        });
        labels[j].textContent = parts.weekday + " " + parts.day + " " + parts.month + " " + parts.year + ", " +
          parts.hour + ":" + parts.minute + " " + zone;
      }
    }
    if (picker) { picker.addEventListener("change", relabel); }
    relabel();
  }
})();
"""#

    static let css = #"""
body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fafafa; }
main { max-width: 720px; margin: 0 auto; padding: 24px 16px; }
.banner { background: #fff4d6; border-bottom: 1px solid #e6c96b; padding: 6px 16px; font-size: 13px; }
h1 { font-size: 22px; margin: 8px 0; }
.details { color: #555; margin-bottom: 16px; }
fieldset { border: 1px solid #ddd; border-radius: 6px; margin: 0 0 16px; padding: 12px; }
.slots { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 6px; }
.slots label { border: 1px solid #0069ff; border-radius: 4px; padding: 6px; cursor: pointer; }
label.field { display: block; margin: 10px 0 4px; font-weight: 600; }
select { padding: 6px; border: 1px solid #bbb; border-radius: 4px; font: inherit; margin-bottom: 10px; }
input[type=text], input[type=email], textarea { width: 100%; box-sizing: border-box; padding: 8px;
  border: 1px solid #bbb; border-radius: 4px; font: inherit; }
button { background: #0069ff; color: #fff; border: 0; border-radius: 20px; padding: 10px 22px;
  font: inherit; cursor: pointer; margin-top: 16px; }
.error { background: #fde8e8; border: 1px solid #e09a9a; padding: 8px; border-radius: 4px; }
.done { background: #e7f6ec; border: 1px solid #8fcf9f; padding: 8px; border-radius: 4px; }
"""#
}
