/// The sandbox's `widget.js`: the slice of Calendly's embed script that host pages use
/// (REFERENCE.md §5.2-5.3). The popup is an in-page iframe overlay, as Calendly's is; the
/// booking page inside it posts the `calendly.*` messages to the host page.
enum WidgetScript {
    static let source = #"""
/* Calendly sandbox widget.js: initPopupWidget, closePopupWidget, initInlineWidget, showPopupWidget. */
(function () {
  "use strict";
  if (window.Calendly && window.Calendly.__sandbox) { return; }

  var UTM_KEYS = { utmCampaign: "utm_campaign", utmSource: "utm_source", utmMedium: "utm_medium",
                   utmContent: "utm_content", utmTerm: "utm_term", salesforceUuid: "salesforce_uuid" };

  // Prefill and UTM values travel as URL parameters, the same ones a hand-built link would use.
  function buildURL(url, prefill, utm, embedType) {
    var u = new URL(url, window.location.href);
    var p = u.searchParams;
    prefill = prefill || {};
    utm = utm || {};
    if (prefill.name) { p.set("name", prefill.name); }
    if (prefill.firstName) { p.set("first_name", prefill.firstName); }
    if (prefill.lastName) { p.set("last_name", prefill.lastName); }
    if (prefill.email) { p.set("email", prefill.email); }
    if (prefill.guests && prefill.guests.length) { p.set("guests", prefill.guests.join(",")); }
    if (prefill.date) {
      var d = new Date(prefill.date);
      if (!isNaN(d.getTime())) { p.set("date", d.toISOString().slice(0, 10)); }
    }
    var answers = prefill.customAnswers || {};
    for (var i = 1; i <= 10; i++) {
      var a = answers["a" + i];
      if (a !== undefined && a !== null && a !== "") { p.set("a" + i, String(a)); }
    }
    Object.keys(UTM_KEYS).forEach(function (key) {
      if (utm[key]) { p.set(UTM_KEYS[key], utm[key]); }
    });
    if (utm.salesforce_uuid) { p.set("salesforce_uuid", utm.salesforce_uuid); }
    // Without embed_domain Calendly's page posts no messages (react-calendly #31, #108).
    p.set("embed_domain", window.location.host || "localhost");
    p.set("embed_type", embedType);
    return u.toString();
  }

  function makeIframe(src) {
    var iframe = document.createElement("iframe");
    iframe.src = src;
    iframe.width = "100%";
    iframe.height = "100%";
    iframe.setAttribute("frameborder", "0");
    iframe.title = "Select a Date & Time - Calendly";
    return iframe;
  }

  function onKeyDown(event) {
    if (event.key === "Escape") { closePopupWidget(); }
  }

  function closePopupWidget() {
    var overlays = document.querySelectorAll(".calendly-overlay");
    for (var i = 0; i < overlays.length; i++) { overlays[i].parentNode.removeChild(overlays[i]); }
    document.removeEventListener("keydown", onKeyDown);
  }

  function initPopupWidget(options) {
    options = options || {};
    if (!options.url) { throw new Error("Calendly.initPopupWidget: url is required"); }
    closePopupWidget();
    var overlay = document.createElement("div");
    overlay.className = "calendly-overlay";
    var backdrop = document.createElement("div");
    backdrop.className = "calendly-close-overlay";
    backdrop.addEventListener("click", closePopupWidget);
    var popup = document.createElement("div");
    popup.className = "calendly-popup";
    var content = document.createElement("div");
    content.className = "calendly-popup-content";
    content.setAttribute("data-url", options.url);
    content.appendChild(makeIframe(buildURL(options.url, options.prefill, options.utm, "PopupWidget")));
    popup.appendChild(content);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "calendly-popup-close";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", closePopupWidget);
    overlay.appendChild(backdrop);
    overlay.appendChild(popup);
    overlay.appendChild(close);
    (options.rootElement || document.body).appendChild(overlay);
    document.addEventListener("keydown", onKeyDown);
  }

  function initInlineWidget(options) {
    options = options || {};
    var parent = options.parentElement;
    if (!options.url || !parent) { throw new Error("Calendly.initInlineWidget: url and parentElement are required"); }
    parent.innerHTML = "";
    parent.appendChild(makeIframe(buildURL(options.url, options.prefill, options.utm, "Inline")));
  }

  function showPopupWidget(url) { initPopupWidget({ url: url }); }

  function autoLoadInline() {
    var nodes = document.querySelectorAll(".calendly-inline-widget[data-url]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.getAttribute("data-auto-load") === "false" || node.querySelector("iframe")) { continue; }
      initInlineWidget({ url: node.getAttribute("data-url"), parentElement: node });
    }
  }

  window.Calendly = {
    initPopupWidget: initPopupWidget,
    closePopupWidget: closePopupWidget,
    initInlineWidget: initInlineWidget,
    showPopupWidget: showPopupWidget,
    __sandbox: true
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autoLoadInline);
  } else {
    autoLoadInline();
  }
})();
"""#

    static let css = #"""
/* Calendly sandbox widget.css: the popup overlay. */
.calendly-overlay { position: fixed; inset: 0; z-index: 9999; background: rgba(31, 31, 31, 0.4); }
.calendly-overlay .calendly-close-overlay { position: absolute; inset: 0; }
.calendly-overlay .calendly-popup { position: absolute; top: 50%; left: 50%; transform: translate(-50%, -50%);
  width: 80%; min-width: 320px; max-width: 1000px; height: 90%; max-height: 680px; background: #fff;
  border-radius: 8px; overflow: hidden; }
.calendly-overlay .calendly-popup .calendly-popup-content { height: 100%; }
.calendly-overlay .calendly-popup .calendly-popup-content iframe { border: 0; width: 100%; height: 100%; }
.calendly-overlay .calendly-popup-close { position: absolute; top: 16px; right: 16px; width: 28px; height: 28px;
  border: 0; border-radius: 50%; background: #fff; cursor: pointer; font-size: 18px; line-height: 28px; }
.calendly-overlay .calendly-popup-close::before { content: "\00d7"; }
.calendly-inline-widget { min-width: 320px; height: 630px; }
.calendly-inline-widget iframe { border: 0; width: 100%; height: 100%; }
@media (max-width: 640px) {
  .calendly-overlay .calendly-popup { width: 100%; height: 100%; max-height: none; border-radius: 0; }
}
"""#
}
