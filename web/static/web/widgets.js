// The browser's own widgets speak the browser's language, not the page's: an English Chromium
// shows "Choose File / No file chosen" and "mm/dd/yyyy, --:-- --" in the Chinese UI (issue 14).
// Enhanced here, from the page's own translated words (data-ui-* on <body>):
//  - a file input becomes a button and the chosen file's name (the input stays, visually hidden,
//    so a label click, the keyboard and form posts work as before);
//  - a date or date-time input becomes a text box in the product's format (2026-12-08 09:00; the
//    server reads it, and the ISO "T" form too) with a translated placeholder and a calendar
//    button that opens the browser's picker on a hidden native input.
// Without this script the native widgets remain and everything still works.
(function () {
  "use strict";
  var ui = document.body ? document.body.dataset : {};

  function enhanceFile(input) {
    input.dataset.enhanced = "1";
    if (!input.id) { input.id = "file-" + Math.random().toString(36).slice(2); }
    var box = document.createElement("span"), button = document.createElement("label"), name = document.createElement("span");
    box.className = "file-choice";
    button.className = "btn btn-sm btn-outline-secondary file-button";
    button.htmlFor = input.id;
    button.textContent = ui.uiChooseFile || "Choose file";
    button.dataset.testid = "file-button";
    name.className = "file-name text-muted small text-break";
    name.dataset.testid = "file-name";
    function show() {
      var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      name.textContent = files.length ? files.join("、") : (ui.uiNoFile || "No file chosen");
      name.classList.toggle("text-muted", !files.length);
    }
    input.classList.add("file-native");
    input.parentNode.insertBefore(box, input);
    box.appendChild(input);
    box.appendChild(button);
    box.appendChild(name);
    input.addEventListener("change", show);
    show();
  }


  function enhanceDate(input) {
    var withTime = input.type === "datetime-local";
    input.dataset.enhanced = "1";
    var native = document.createElement("input");
    native.type = input.type;
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    native.className = "date-native";
    if (input.min) { native.min = input.min; }
    if (input.max) { native.max = input.max; }
    input.type = "text";
    input.value = input.value.replace("T", " ");
    input.placeholder = withTime ? (ui.uiDatetime || "yyyy-mm-dd hh:mm") : (ui.uiDate || "yyyy-mm-dd");
    input.autocomplete = "off";
    input.inputMode = "numeric";
    input.classList.add("date-text");
    var group = document.createElement("div"), button = document.createElement("button");
    group.className = "date-field";
    button.type = "button";
    button.className = "btn btn-sm date-button";
    button.setAttribute("aria-label", ui.uiPickDate || "Pick a date");
    button.title = ui.uiPickDate || "Pick a date";
    var icon = document.getElementById("ui-date-icon");
    if (icon) { button.appendChild(icon.content.cloneNode(true)); } else { button.textContent = "…"; }
    button.dataset.testid = "date-button";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    group.appendChild(button);
    group.appendChild(native);
    button.addEventListener("click", function () {
      native.value = input.value.trim().replace(" ", "T");
      try { native.showPicker(); } catch (e) { native.focus(); native.click(); }
    });
    native.addEventListener("change", function () {
      if (!native.value) { return; }
      input.value = native.value.replace("T", " ");
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function enhance(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("input[type=file]:not([data-enhanced])").forEach(enhanceFile);
    root.querySelectorAll("input[type=date]:not([data-enhanced]):not(.date-native), input[type=datetime-local]:not([data-enhanced]):not(.date-native)").forEach(enhanceDate);
  }

  enhance(document);
  // Panels and forms loaded later (the 360° view's tabs, htmx swaps) get the same.
  new MutationObserver(function (records) {
    records.forEach(function (r) { r.addedNodes.forEach(function (n) { if (n.nodeType === 1) { enhance(n); } }); });
  }).observe(document.body, { childList: true, subtree: true });
})();
