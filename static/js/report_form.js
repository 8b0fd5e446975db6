/* The progress update form: a slider beside the figure, and the fields a rule will require shown as soon as the
   figure calls for them. The rules themselves live in tasks/services.py; the server checks them again on save. */
(function () {
  "use strict";

  function needs(form, value) {
    var expected = form.dataset.expected === "" ? null : parseInt(form.dataset.expected, 10);
    var current = parseInt(form.dataset.current, 10);
    var known = !isNaN(value);
    return {
      behind: known && expected !== null && value < expected,
      down: known && value < current,
      complete: known && value === 100
    };
  }

  // Words carried over from last month's report (tasks/forms.py, carry_over) and left as they were: they count as
  // the officer's only where the figure calls for them; elsewhere they stay hidden and are not sent.
  function carried(input) {
    return input.hasAttribute("data-carried") && input.value === input.defaultValue;
  }

  function hasContent(block) {
    if (block.querySelector(".error")) return true;
    return Array.prototype.some.call(block.querySelectorAll("textarea, input"), function (input) {
      if (carried(input)) return false;
      return input.type === "file" ? input.files && input.files.length > 0 : input.value.trim() !== "";
    });
  }

  function setup(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    // A form of its own, or one row of the desk's table (tasks/desk.html), whose boxes are named task-<id>-progress.
    var number = form.querySelector("input[name=progress], input[name$='-progress']");
    var slider = form.querySelector("input[data-slider]");
    var blocks = form.querySelectorAll("[data-when]");
    var more = form.querySelector("[data-more]");
    var revealed = false;

    function refresh() {
      var value = parseInt(number.value, 10);
      var need = needs(form, value);
      var hidden = 0;
      blocks.forEach(function (block) {
        var required = need[block.dataset.when];
        block.hidden = !(required || revealed || hasContent(block));
        block.querySelectorAll("[data-carried]").forEach(function (input) {
          input.disabled = block.hidden && carried(input);
        });
        block.classList.toggle("required", required);
        block.querySelectorAll("[data-hint]").forEach(function (hint) { hint.hidden = !required; });
        if (block.hidden) hidden += 1;
      });
      if (more) more.hidden = hidden === 0;
    }

    if (slider) {
      slider.hidden = false;
      slider.value = number.value || 0;
      slider.addEventListener("input", function () { number.value = slider.value; refresh(); });
      number.addEventListener("input", function () { slider.value = number.value; });
      // The figure set, the next thing to do is to write what was done.
      slider.addEventListener("change", function () {
        var achievements = form.querySelector("textarea[name=achievements]");
        if (achievements && !achievements.value) achievements.focus({preventScroll: true});
      });
    }
    // A desk row's figure is typed over, however the box was reached (Tab selects it; a click would not).
    if (form.dataset.row !== undefined) number.addEventListener("focus", function () { number.select(); });
    number.addEventListener("input", refresh);
    number.addEventListener("change", refresh);
    form.querySelectorAll("[data-reveal]").forEach(function (button) {
      button.addEventListener("click", function () { revealed = true; refresh(); });
    });
    var cancel = form.querySelector("[data-cancel]");
    var holder = form.closest(".inline-form td");
    if (cancel && holder) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        var update = form.closest("tbody").querySelector("a.update");
        holder.innerHTML = "";
        if (update) update.focus();
      });
    }
    refresh();
    // A refused save: bring the first field that says why into view (on a phone it is often screens below).
    var invalid = form.querySelector(".invalid, .error");
    if (form.dataset.row !== undefined) return;  // the desk's rows: the page opens on its summary of refused rows
    if (invalid && invalid.scrollIntoView) { invalid.scrollIntoView({block: "center"}); return; }
    // Opened inside a row of "My work": bring the whole form into view, so saving needs no swipe.
    if (holder && form.scrollIntoView) form.scrollIntoView({block: "start"});
  }

  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-progress-form]").forEach(setup);
    if (root.matches && root.matches("[data-progress-form]")) setup(root);
  }

  // Every other refused form (the indicator report among them): the first field that says why in view as well.
  function reveal() {
    var invalid = document.querySelector("form.report-form:not([data-progress-form]) :is(.invalid, .error)");
    if (invalid && invalid.scrollIntoView) invalid.scrollIntoView({block: "center"});
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); reveal(); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
