// The Schedule New Meeting tab: meeting types from the config endpoint, a student chooser that
// searches, and Calendly's popup. The popup's `calendly.event_scheduled` message is accepted only
// from the widget's origin; the page then asks the server to record that invitee and refreshes
// Upcoming Meetings without a reload. Text from outside is only ever set with textContent.
(function () {
  "use strict";
  const form = document.getElementById("schedule-form");
  if (!form) return;

  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const status = document.getElementById("schedule-status");
  const typeSelect = document.getElementById("event-type");
  const studentSelect = document.getElementById("student");
  const filter = document.getElementById("student-filter");
  const openButton = document.getElementById("open-calendar");
  const fallback = document.getElementById("widget-fallback");
  const fallbackLink = document.getElementById("fallback-link");
  const messageOrigin = form.dataset.widgetOrigin;
  const utmSource = form.dataset.utmSource;
  let eventTypes = [];
  let widget = "loading"; // then "ready" or "failed"

  function say(text, kind) {
    status.textContent = text;
    status.className = kind ? "status-" + kind : "";
  }

  // The widget script is loaded once, early: loading it on the first click loses that click.
  const script = document.createElement("script");
  script.src = form.dataset.widgetScript;
  script.async = true;
  script.onload = function () { widget = window.Calendly ? "ready" : "failed"; if (widget === "failed") showFallback(); };
  script.onerror = function () { widget = "failed"; showFallback(); };
  document.head.appendChild(script);

  function chosenType() {
    return eventTypes.find(function (type) { return type.uri === typeSelect.value; });
  }

  function chosenStudent() {
    const option = studentSelect.selectedOptions[0];
    if (!option || !option.value) return null;
    return { id: option.value, name: option.dataset.name || "", email: option.dataset.email || "" };
  }

  /// The booking page with the same prefill and tracking the popup would get.
  function bookingURL(type, student) {
    const url = new URL(type.scheduling_url);
    url.searchParams.set("utm_source", utmSource);
    if (student) {
      url.searchParams.set("utm_content", "student-" + student.id);
      if (student.name) url.searchParams.set("name", student.name);
      if (student.email) url.searchParams.set("email", student.email);
    }
    return url.toString();
  }

  function showFallback(url) {
    const type = chosenType();
    fallbackLink.href = url || (type ? bookingURL(type, chosenStudent()) : "#");
    fallback.hidden = false;
    if (!url) say("The Calendly widget could not be loaded. Use the booking page link below.", "error");
  }

  function fillTypes(types) {
    eventTypes = types;
    typeSelect.textContent = "";
    const placeholder = new Option(types.length ? "Choose a meeting type" : "No active meeting types in Calendly", "");
    typeSelect.add(placeholder);
    types.forEach(function (type) { typeSelect.add(new Option(type.name, type.uri)); });
  }

  async function loadConfig(fresh) {
    const response = await fetch("/api/calendar/config/calendly" + (fresh ? "?fresh=true" : ""), { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error("the server answered " + response.status);
    return response.json();
  }

  loadConfig(false).then(function (config) {
    fillTypes(config.event_types || []);
    if (config.problems && config.problems.length) {
      say("Calendly: " + config.problems.map(function (p) { return p.message; }).join(" ") + " See Settings.", "error");
    }
  }).catch(function (error) {
    typeSelect.textContent = "";
    typeSelect.add(new Option("Meeting types could not be loaded", ""));
    say("Meeting types could not be loaded (" + error.message + "). Reload the page to try again.", "error");
  });

  // The chooser asks the server as the owner types, so it works for any number of students.
  let searchTimer = null;
  let searchSeq = 0;
  filter.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(searchStudents, 200);
  });

  async function searchStudents() {
    const text = filter.value.trim();
    const seq = ++searchSeq;
    if (!text) return;
    try {
      const response = await fetch("/api/students?limit=20&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("the server answered " + response.status);
      const body = await response.json();
      if (seq !== searchSeq) return; // a later search has started
      studentSelect.textContent = "";
      studentSelect.add(new Option("No student (the booking's email decides)", ""));
      body.students.forEach(function (student) {
        const option = new Option(student.email ? student.name + " (" + student.email + ")" : student.name, student.id);
        option.dataset.name = student.name;
        option.dataset.email = student.email;
        studentSelect.add(option);
      });
      studentSelect.selectedIndex = body.students.length ? 1 : 0;
      if (!body.students.length) say("No student matches \u201c" + text + "\u201d.", "error");
      else if (status.classList.contains("status-error") && status.textContent.indexOf("No student matches") === 0) say("");
    } catch (error) {
      say("Students could not be searched (" + error.message + ").", "error");
    }
  }

  openButton.addEventListener("click", async function () {
    fallback.hidden = true;
    let type = chosenType();
    if (!type) { say("Choose a meeting type first.", "error"); typeSelect.focus(); return; }
    const student = chosenStudent();
    try {
      // Both may have gone since the page loaded: ask again before opening.
      const config = await loadConfig(true);
      fillTypes(config.event_types || []);
      const fresh = eventTypes.find(function (t) { return t.uri === type.uri; });
      if (!fresh) { say("The meeting type \u201c" + type.name + "\u201d no longer exists in Calendly. Choose another.", "error"); return; }
      typeSelect.value = fresh.uri;
      type = fresh;
      if (student) {
        const answer = await fetch("/api/students/" + encodeURIComponent(student.id), { headers: { Accept: "application/json" } });
        if (answer.status === 404) {
          studentSelect.selectedOptions[0].remove();
          say("The student \u201c" + student.name + "\u201d no longer exists. Choose another student.", "error");
          return;
        }
      }
    } catch (error) {
      say("Could not check the meeting type and student (" + error.message + "). Try again.", "error");
      return;
    }
    if (widget !== "ready" || !window.Calendly) { showFallback(bookingURL(type, student)); say("The Calendly widget is not available; use the booking page link below.", "error"); return; }
    const options = { url: type.scheduling_url, utm: { utmSource: utmSource } };
    if (student) {
      options.prefill = { name: student.name, email: student.email };
      options.utm.utmContent = "student-" + student.id;
    }
    say("");
    window.Calendly.initPopupWidget(options);
    focusPopup();
  });

  // The popup takes the focus, Escape closes it, and the focus comes back to Open Calendar, so a
  // keyboard user is never left behind the overlay.
  function popupOverlay() {
    return document.querySelector(".calendly-overlay");
  }

  // The focus goes to the popup's close button, which sits in this page (keys typed inside
  // Calendly's frame never reach it, so Escape is heard only from here); Tab moves on into the frame.
  function focusPopup() {
    let tries = 0;
    (function attempt() {
      const overlay = popupOverlay();
      const target = overlay && (overlay.querySelector(".calendly-popup-close") || overlay.querySelector("iframe"));
      if (target) {
        if (target.tagName === "IFRAME") target.setAttribute("tabindex", "0");
        target.focus();
        watchClose();
      } else if (tries++ < 40) {
        setTimeout(attempt, 50);
      }
    })();
  }

  function watchClose() {
    const observer = new MutationObserver(function () {
      if (popupOverlay()) return;
      observer.disconnect();
      openButton.focus();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !popupOverlay()) return;
    if (window.Calendly && typeof window.Calendly.closePopupWidget === "function") window.Calendly.closePopupWidget();
    else popupOverlay().remove();
  });

  window.addEventListener("message", function (event) {
    const data = event.data;
    if (!data || typeof data.event !== "string" || data.event.indexOf("calendly.") !== 0) return;
    if (event.origin !== messageOrigin) {
      say("Ignored a Calendly message from an unexpected origin (" + event.origin + ").", "error");
      return;
    }
    if (data.event === "calendly.event_scheduled") {
      const uri = data.payload && data.payload.invitee && data.payload.invitee.uri;
      if (typeof uri === "string") record(uri);
    }
  });

  async function record(inviteeURI) {
    say("Booked in Calendly. Recording it here\u2026");
    try {
      const response = await fetch("/api/calendar/meetings/sync", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ invitee_uri: inviteeURI }),
      });
      const body = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        const reason = body.error && body.error.message ? body.error.message : "the server answered " + response.status;
        say("Booked in Calendly, but not recorded here yet: " + reason + " It will arrive by webhook or the next sync.", "error");
        return;
      }
      const meeting = body.consultation;
      confirmBooking(meeting);
      await refreshUpcoming();
    } catch (error) {
      say("Booked in Calendly, but not recorded here yet (" + error.message + "). It will arrive by webhook or the next sync.", "error");
    }
  }

  // "Booked: Thesis review with Emma Johansson, Tue 8 Dec 10:00. Open its consultation", built
  // with textContent only: the names come from outside.
  function confirmBooking(meeting) {
    let when = "";
    try {
      when = new Intl.DateTimeFormat("en-GB", {
        timeZone: form.dataset.timeZone || undefined, weekday: "short", day: "numeric", month: "short",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).format(new Date(meeting.consultation_date)).replace(",", "");
    } catch (error) {
      when = meeting.consultation_date;
    }
    say("Booked: " + meeting.type + " with " + meeting.student_name + ", " + when + ". It is in Upcoming Meetings. ", "ok");
    if (meeting.id) {
      const link = document.createElement("a");
      link.href = "/consultations/" + encodeURIComponent(meeting.id);
      link.id = "booked-consultation";
      link.textContent = "Open its consultation";
      status.appendChild(link);
    }
  }

  async function refreshUpcoming() {
    const response = await fetch("/calendar/upcoming", { headers: { Accept: "text/html" } });
    if (response.ok) document.getElementById("upcoming-meetings").innerHTML = await response.text();
  }
})();
