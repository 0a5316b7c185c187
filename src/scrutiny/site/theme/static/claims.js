/* Claims register: filter the table by kind, status and document. */
"use strict";
(function () {
  const form = document.getElementById("claim-filters");
  if (!form) return;
  form.hidden = false;
  const rows = Array.from(document.querySelectorAll("table.register tbody tr"));
  const selects = Array.from(form.querySelectorAll("select[data-filter]"));
  const count = document.getElementById("claim-count");
  function apply() {
    let shown = 0;
    for (const row of rows) {
      const ok = selects.every(function (s) {
        return !s.value || (row.dataset[s.dataset.filter] || "").split(" ").includes(s.value);
      });
      row.hidden = !ok;
      if (ok) shown += 1;
    }
    count.textContent = shown + " of " + rows.length + " claims shown";
  }
  for (const s of selects) s.addEventListener("change", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  apply();
})();
