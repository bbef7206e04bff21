// Keeps the owner's text on the page when a form is too large to save: the server would refuse it
// (413) after the text had left the page, so the size is checked here first and the form stays.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const meta = document.querySelector('meta[name="max-form-bytes"]');
  const limit = meta ? Number(meta.content) : 0;
  if (!limit || event.defaultPrevented || form.method.toLowerCase() !== "post") return;
  // URLSearchParams encodes exactly as the browser does for application/x-www-form-urlencoded.
  const size = new TextEncoder().encode(new URLSearchParams(new FormData(form)).toString()).length;
  let message = form.querySelector(".form-too-large");
  if (size <= limit) {
    if (message) message.remove();
    return;
  }
  event.preventDefault();
  if (!message) {
    message = document.createElement("p");
    message.className = "form-error form-too-large";
    message.setAttribute("role", "alert");
    form.prepend(message);
  }
  const megabytes = (n) => (n / 1048576).toFixed(1);
  message.textContent = "Not saved: this form holds " + megabytes(size) + " MB once sent, more than the " +
    megabytes(limit) + " MB the app accepts. Your text is still here; shorten it and save again.";
  message.scrollIntoView({ block: "center" });
});
