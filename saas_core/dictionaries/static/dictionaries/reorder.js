// Drag-and-drop ordering of a dictionary's values: rows of #dictionary-items are dragged by
// their handle; on drop, the ids in their new order are posted to data-reorder-url. The
// up/down buttons keep working without JavaScript.
(function () {
  "use strict";
  var body = document.getElementById("dictionary-items");
  if (!body || !body.dataset.reorderUrl) return;
  var status = document.getElementById("reorder-status");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;
  var handleDown = false;

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr[data-id]"));
  }

  function renumber() {
    var all = rows();
    all.forEach(function (row, index) {
      var cell = row.querySelector(".position");
      if (cell) cell.textContent = String(index + 1);
      var up = row.querySelector("button[value=up]");
      var down = row.querySelector("button[value=down]");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === all.length - 1;
    });
  }

  function say(text, ok) {
    if (!status) return;
    status.textContent = text;
    status.className = "small mb-2 " + (ok ? "text-success" : "text-danger");
  }

  function save(before) {
    var data = new FormData();
    rows().forEach(function (row) { data.append("ids", row.dataset.id); });
    if (csrf) data.append("csrfmiddlewaretoken", csrf.value);
    fetch(body.dataset.reorderUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"},
    }).then(function (response) {
      return response.json().then(function (json) { return {ok: response.ok, json: json}; });
    }).then(function (result) {
      say(result.json.detail || "", result.ok);
      if (!result.ok) restore(before);
    }).catch(function () {
      say(body.dataset.errorText || "The order could not be saved; reload the page.", false);
      restore(before);
    });
  }

  function restore(order) {
    order.forEach(function (row) { body.appendChild(row); });
    renumber();
  }

  body.addEventListener("mousedown", function (event) {
    handleDown = !!event.target.closest(".drag-handle");
  });

  body.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-id]");
    if (!row || !handleDown) { event.preventDefault(); return; }
    dragged = row;
    body._before = rows();
    row.classList.add("table-active");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.id);
  });

  body.addEventListener("dragover", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var target = event.target.closest("tr[data-id]");
    if (!target || target === dragged) return;
    var box = target.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    body.insertBefore(dragged, after ? target.nextSibling : target);
  });

  body.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  body.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("table-active");
    var before = body._before || [];
    var changed = rows().some(function (row, index) { return row !== before[index]; });
    dragged = null;
    handleDown = false;
    renumber();
    if (changed) save(before);
  });
})();
