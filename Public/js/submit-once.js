// A form marked data-submit-once sends once: a second click while the first is on its way would
// ask Calendly to book the same time again. The server also answers a repeat with the first booking.
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!form.hasAttribute("data-submit-once") || event.defaultPrevented) return;
  if (form.dataset.sent === "yes") { event.preventDefault(); return; }
  form.dataset.sent = "yes";
  // Disabled after this turn, so the clicked button's own value is still sent.
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.textContent = "Booking…";
    });
  }, 0);
});
// Coming back with the Back button shows the page as it was left: ready to send again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = false; button.textContent = "Book"; });
  });
});
