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
