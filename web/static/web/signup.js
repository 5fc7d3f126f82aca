// Signup: show the workspace address as it is typed and whether it is valid and free
// (the form's data-check-url answers {"ok", "message"}).
(function () {
  "use strict";
  var form = document.getElementById("signup-form"), input = document.getElementById("id_subdomain");
  var out = document.getElementById("subdomain-value"), check = document.getElementById("subdomain-check");
  if (!form || !input || !out || !check) { return; }
  // The address preview belongs under the field it previews, not below the password.
  var preview = document.getElementById("subdomain-preview"), field = input.closest(".mb-3");
  if (preview && field) { field.appendChild(preview); }
  var timer;
  function update(delay) {
    out.textContent = input.value || "…";
    clearTimeout(timer);
    timer = setTimeout(async function () {
      if (!input.value) { check.textContent = ""; return; }
      var r = await fetch(form.dataset.checkUrl + "?subdomain=" + encodeURIComponent(input.value));
      var data = await r.json();
      check.textContent = data.ok ? "✓" : data.message;
      check.className = data.ok ? "text-success" : "text-danger";
    }, delay);
  }
  input.addEventListener("input", function () { update(300); });
  if (input.value) { update(0); }  // the form came back with an error: show the address and its check
})();
