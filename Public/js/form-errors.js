// After a refused save: focus the first field with an error, and put the page's own address back
// in the location bar (the refused form was posted to another one), so a reload shows the page.
document.addEventListener("DOMContentLoaded", function () {
  const canonical = document.querySelector('link[rel="canonical"]');
  if (canonical) {
    const url = new URL(canonical.href);
    if (url.pathname !== window.location.pathname) history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  const firstError = document.querySelector(".field-error");
  if (!firstError) return;
  let field = firstError.previousElementSibling;
  while (field && !field.matches("input, select, textarea")) field = field.previousElementSibling;
  if (field) field.focus();
});
