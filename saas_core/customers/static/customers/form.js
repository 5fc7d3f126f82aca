// Customer form: the live duplicate (撞单) warning while a name or phone number is typed.
(function () {
  var form = document.getElementById("customer-form"), box = document.getElementById("live-duplicates");
  if (!form || !box) { return; }
  var names = ["name"], phones = ["phone", "fax", "contact_mobile", "contact_phone"], timer = null, last = "";
  function value(n) { var el = form.elements[n]; return el ? el.value.trim() : ""; }
  function check() {
    var params = new URLSearchParams();
    params.append("name", value("name"));
    phones.forEach(function (n) { if (value(n)) { params.append("phone", value(n)); } });
    if (form.dataset.exclude) { params.append("exclude", form.dataset.exclude); }
    var query = params.toString();
    if (query === last) { return; }
    last = query;
    fetch(form.dataset.checkUrl + "?" + query, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {duplicates: []}; })
      .then(function (data) {
        var items = box.querySelector(".items");
        items.textContent = "";
        (data.duplicates || []).forEach(function (d, i) {
          var span = document.createElement("span");
          span.setAttribute("data-testid", "live-duplicate");
          span.textContent = (i ? "; " : "") + d.text;
          items.appendChild(span);
        });
        box.classList.toggle("d-none", !(data.duplicates || []).length);
      })
      .catch(function () {});
  }
  names.concat(phones).forEach(function (n) {
    var el = form.elements[n];
    if (!el) { return; }
    el.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 400); });
    el.addEventListener("change", check);
  });
})();
