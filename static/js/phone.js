/* On a phone, tables that keep their columns scroll inside themselves (static/css/portal.css): such a table is
   made reachable by keyboard, so it can be scrolled without a pointer too. */
(function () {
  "use strict";
  function reachable(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("table.list:not(.stack)").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth && !table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { reachable(document); });
  document.addEventListener("htmx:load", function (event) { reachable(event.target); });
})();

/* On a phone the header folds its menu, user and languages into a drawer the menu button opens
   (templates/inc/topbar.html); without JavaScript the header shows them all, as on a desk. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector("header.topbar");
    var toggle = header && header.querySelector(".menu-toggle");
    if (!toggle) return;
    header.classList.add("folding");
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  });
})();

/* My work keeps its order for a visit (tasks/views.py): the address takes the visit's query, so reloading the
   page is still the same visit. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("[data-visit-query]");
    if (list && !/[?&]visit=/.test(window.location.search)) {
      window.history.replaceState(null, "", "?" + list.getAttribute("data-visit-query") + window.location.hash);
    }
  });
})();
