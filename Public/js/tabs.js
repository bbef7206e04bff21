// Accessible tabs (WAI-ARIA tabs pattern): each tab is also a plain link to its own URL, so the
// page works without this script; with it, tabs switch in place and arrow keys move between them.
(function () {
  "use strict";
  const root = document.querySelector("[data-tabs]");
  if (!root) return;
  const tabs = Array.from(root.querySelectorAll('[role="tab"]'));

  function select(tab, focus) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
    if (window.location.pathname + window.location.search !== tab.getAttribute("href")) {
      history.replaceState(null, "", tab.getAttribute("href"));
    }
    root.dispatchEvent(new CustomEvent("tabchange", { detail: { id: tab.id } }));
  }

  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      select(tab, true);
    });
    tab.addEventListener("keydown", function (event) {
      let next = null;
      if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
      if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
      if (event.key === "Home") next = tabs[0];
      if (event.key === "End") next = tabs[tabs.length - 1];
      if (event.key === " " || event.key === "Enter") next = tab;
      if (next) {
        event.preventDefault();
        select(next, true);
      }
    });
  });
})();
