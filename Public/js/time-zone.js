// Preselects the browser's time zone in a time-zone list the owner has not chosen from yet.
document.addEventListener("DOMContentLoaded", function () {
  const select = document.querySelector("select[data-guess-from-browser]");
  if (!select) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && Array.from(select.options).some((option) => option.value === zone)) select.value = zone;
});
