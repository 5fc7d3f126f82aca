// The opportunity form: the stage select offers only the stages of the chosen type (the server
// refuses another type's stage anyway, with a message), and choosing another customer reloads
// the contacts to tick from that customer's (the server accepts only those). No inline code (CSP).
(function () {
  "use strict";
  var type = document.getElementById("id_type");
  var stage = document.getElementById("id_stage");
  if (type && stage) {
    var filter = function () {
      Array.prototype.forEach.call(stage.options, function (option) {
        var other = option.dataset.type && option.dataset.type !== type.value;
        option.hidden = Boolean(other);
        option.disabled = Boolean(other);
        if (other && option.selected) { stage.value = ""; }
      });
    };
    type.addEventListener("change", filter);
    filter();
  }

  var form = document.querySelector("[data-testid=opportunity-form]");
  var box = document.getElementById("id_contacts");
  if (!form || !box || !form.dataset.contactsUrl) { return; }
  var asked = 0;

  function customerId() {
    var field = form.querySelector("[name=customer]");
    return field ? field.value : "";
  }

  function fill(contacts) {
    var ticked = {};
    box.querySelectorAll("input[name=contacts]:checked").forEach(function (input) { ticked[input.value] = true; });
    box.textContent = "";
    contacts.forEach(function (contact, i) {
      var row = document.createElement("div");
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.name = "contacts";
      input.value = String(contact.id);
      input.id = "id_contacts_" + i;
      input.checked = Boolean(ticked[input.value]);
      label.htmlFor = input.id;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + contact.text));
      row.appendChild(label);
      box.appendChild(row);
    });
    var help = box.parentNode.querySelector(".form-text");
    if (help) { help.hidden = contacts.length > 0; }
    box.dataset.customer = customerId();
  }

  function refresh() {
    var customer = customerId();
    if (customer === (box.dataset.customer || "")) { return; }
    var ticket = ++asked;
    if (!customer) { fill([]); return; }
    fetch(form.dataset.contactsUrl + "?customer=" + encodeURIComponent(customer),
          {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) { if (ticket === asked) { fill(data.results || []); } })
      .catch(function () {});
  }

  box.dataset.customer = customerId();
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "customer") { refresh(); }
  });
}());
