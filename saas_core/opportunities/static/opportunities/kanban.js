// The opportunity board: drag a card (by mouse anywhere on it, by touch on its handle) to another
// column to change its stage. The server applies the same rules as the form (POST .../stage/,
// JSON); a lost column first asks the reason in the dialog. Pointer events, so mouse and touch
// work alike; no inline code (CSP).
(function () {
  "use strict";
  var board = document.querySelector("[data-testid=kanban]");
  if (!board) { return; }
  var csrf = document.querySelector("#kanban-csrf [name=csrfmiddlewaretoken]");
  var dialog = document.getElementById("lost-dialog");
  var drag = null;

  function columnAt(x, y) {
    var node = document.elementFromPoint(x, y);
    return node ? node.closest("[data-testid=kanban-column]") : null;
  }

  function clearTargets() {
    board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  }

  function updateCount(column, delta) {
    var count = column.querySelector("[data-testid=column-count]");
    if (count) { count.textContent = String(parseInt(count.textContent, 10) + delta); }
  }

  function post(card, column, extra) {
    var body = new URLSearchParams();
    body.set("stage", column.dataset.stage);
    Object.keys(extra || {}).forEach(function (k) { body.set(k, extra[k]); });
    return fetch(card.dataset.url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: {"Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }

  function errorText(data) {
    var errors = (data && data.errors) || {};
    return Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ") || board.dataset.error;
  }

  function move(card, from, to) {
    to.querySelector(".kanban-cards").prepend(card);
    updateCount(from, -1);
    updateCount(to, 1);
    card.dataset.moved = to.dataset.stage;
  }

  function askLost(card, from, to) {
    var form = document.getElementById("lost-form");
    var error = dialog.querySelector("[data-testid=lost-error]");
    error.textContent = "";
    form.reset();
    dialog.showModal();
    form.onsubmit = function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.value === "cancel") { return; }
      event.preventDefault();
      post(card, to, {lost_reason: form.lost_reason.value, note: form.note.value}).then(function (result) {
        if (result.ok) { dialog.close(); move(card, from, to); } else { error.textContent = errorText(result.data); }
      });
    };
  }

  function drop(card, from, to) {
    if (!to || to === from) { return; }
    if (to.dataset.outcome === "lost") { askLost(card, from, to); return; }
    post(card, to, {}).then(function (result) {
      if (result.ok) { move(card, from, to); } else { window.alert(errorText(result.data)); }
    });
  }

  board.addEventListener("pointerdown", function (event) {
    var card = event.target.closest("[data-testid=kanban-card]");
    if (!card || !card.querySelector(".kanban-handle") || event.button !== 0) { return; }
    if (event.pointerType !== "mouse" && !event.target.closest(".kanban-handle")) { return; }
    drag = {card: card, from: card.closest("[data-testid=kanban-column]"), x: event.clientX, y: event.clientY, ghost: null};
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    if (!drag.ghost) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < 6) { return; }
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.classList.add("kanban-ghost");
      document.body.appendChild(drag.ghost);
      drag.card.classList.add("dragging");
    }
    event.preventDefault();
    drag.ghost.style.left = (event.clientX + 4) + "px";
    drag.ghost.style.top = (event.clientY + 4) + "px";
    clearTargets();
    var column = columnAt(event.clientX, event.clientY);
    if (column && column !== drag.from) { column.classList.add("drop-target"); }
  });

  document.addEventListener("pointerup", function (event) {
    if (!drag) { return; }
    var current = drag;
    drag = null;
    clearTargets();
    if (!current.ghost) { return; }
    current.ghost.remove();
    current.card.classList.remove("dragging");
    drop(current.card, current.from, columnAt(event.clientX, event.clientY));
  });

  // Links and images inside a card would start the browser's own drag, which ends pointer events.
  board.addEventListener("dragstart", function (event) { event.preventDefault(); });

  // A click that ended a drag must not follow the card's link.
  board.addEventListener("click", function (event) {
    var card = event.target.closest("[data-testid=kanban-card]");
    if (card && card.classList.contains("dragging")) { event.preventDefault(); }
  });
})();
