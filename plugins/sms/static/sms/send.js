// Send SMS: the preview (parts and cost) follows the text and template as they change. The
// fields come from the generic form include, so htmx is wired onto them here.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=sms-send-form]");
  if (!form) { return; }
  form.querySelectorAll("textarea, select").forEach(function (el) {
    el.setAttribute("hx-post", form.dataset.previewUrl);
    el.setAttribute("hx-trigger", "input changed delay:400ms, change");
    el.setAttribute("hx-target", "#sms-preview");
    el.setAttribute("hx-swap", "outerHTML");
    el.setAttribute("hx-include", "closest form");
  });
  if (window.htmx) { window.htmx.process(form); }
})();
