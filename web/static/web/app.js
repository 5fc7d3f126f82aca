// Behaviour shared by every page, wired from data-* attributes: the Content-Security-Policy
// allows no inline handlers or style attributes, so markup only says what it wants.
//   data-confirm="question"  on a form (submit) or a button (click): ask first, stop on "Cancel".
//   data-autosubmit          on a select: submit its form when the choice changes.
//   data-progress="42"       on a progress bar: its width in percent.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm !== undefined && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm], input[type=submit][data-confirm], a[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });

  function sizeBars(root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-progress]"));
    if (root.matches && root.matches("[data-progress]")) { bars.push(root); }
    bars.forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0)) + "%";
    });
  }

  // Lists become cards on a phone (app.css, .table-cards): each body cell gets its column's
  // heading as data-label, which the card shows before the value. Tables marked .table-keep
  // (the calendar's month grid) and tables without a heading row stay as they are.
  function labelCells(root) {
    var tables = Array.prototype.slice.call(root.querySelectorAll("table.table"));
    if (root.matches && root.matches("table.table")) { tables.push(root); }
    tables.forEach(function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head || table.classList.contains("table-keep")) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var n = 0; n < (th.colSpan || 1); n++) { labels.push(th.textContent.trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if ((cell.colSpan || 1) === 1 && labels[column] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", labels[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("table-cards");
    });
  }

  function onLoad(root) { sizeBars(root); labelCells(root); }

  // htmx.onLoad runs for the page and again for every fragment htmx swaps in (export progress).
  if (window.htmx) { window.htmx.onLoad(onLoad); } else { onLoad(document); }
})();
