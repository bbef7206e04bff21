// Asks before submitting forms marked with data-confirm (erasing a student cannot be undone).
document.addEventListener("submit", function (event) {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
