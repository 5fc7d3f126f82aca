// ACT-02: a follow-up's or task's opportunity is one of the chosen customer's. When the customer
// picker changes, the opportunity select is refilled from opportunities:pick (the server checks
// the same on save). No inline code (CSP).
(function () {
  "use strict";
  document.querySelectorAll("select[data-opportunity-picker]").forEach(function (select) {
    var form = select.form;
    var customer = form ? form.querySelector("select[name=customer]") : null;
    if (!customer) { return; }
    customer.addEventListener("change", function () {
      var id = customer.value;
      var empty = select.options.length ? select.options[0].cloneNode(true) : new Option("", "");
      empty.value = "";
      select.innerHTML = "";
      select.appendChild(empty);
      if (!id) { return; }
      fetch(select.dataset.opportunityPicker + "?customer=" + encodeURIComponent(id), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          data.results.forEach(function (o) { select.appendChild(new Option(o.text, o.id)); });
        });
    });
  });
})();
