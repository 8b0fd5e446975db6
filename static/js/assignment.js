// The assignment table's "tick the whole page" box (inline handlers are refused by the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll("input[name=selected]").forEach((box) => { box.checked = all.checked; });
  });
});
