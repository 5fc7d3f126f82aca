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

  // htmx.onLoad runs for the page and again for every fragment htmx swaps in (export progress).
  if (window.htmx) { window.htmx.onLoad(sizeBars); } else { sizeBars(document); }
})();
