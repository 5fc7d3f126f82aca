// Incoming-call cards (plugins/call_center): the real-time channel (web/static/web/realtime.js)
// hands "call.*" events to the page; a ringing call fetches its card (server-rendered, in the
// user's language) into the corner of whatever page is open. When a colleague answers, the card
// says who took it; when the call ends, the card goes after a few seconds.
(function () {
  "use strict";
  var stack = null;
  // The card's look sits beside this script (the Content-Security-Policy allows no inline styles).
  var me = document.currentScript;
  if (me && me.src) {
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = me.src.replace(/popup\.js(\?.*)?$/, "popup.css");
    document.head.appendChild(style);
  }

  function container() {
    if (!stack) {
      stack = document.createElement("div");
      stack.className = "call-cards";
      stack.setAttribute("data-testid", "call-cards");
      document.body.appendChild(stack);
    }
    return stack;
  }

  function cardOf(callId) { return container().querySelector("[data-call='" + String(callId) + "']"); }

  function show(event, replace) {
    if (cardOf(event.call) && !replace) { return; }
    fetch(event.card, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var old = cardOf(event.call);
        if (!html || (old && !replace)) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var card = holder.firstElementChild;
        if (!card) { return; }
        if (old) { old.replaceWith(card); } else { container().appendChild(card); }
        document.dispatchEvent(new CustomEvent("crm:call-card", { detail: { call: event.call } }));
      })
      .catch(function () { /* the tab asks again for pending calls when the socket reconnects */ });
  }

  function update(event) {
    var card = cardOf(event.call);
    if (!card) { return; }
    card.dataset.state = event.type.replace("call.", "");
    if (event.type === "call.taken") { show(event, true); }  // the card again, saying who took it
    if (event.type === "call.ended" && event.result !== "answered") {
      window.setTimeout(function () { if (card.parentNode && card.dataset.state === "ended") { card.remove(); } }, 8000);
    }
  }

  document.addEventListener("crm:event", function (e) {
    var event = e.detail || {};
    if (event.type === "call.ringing") { show(event); } else if (String(event.type).indexOf("call.") === 0) { update(event); }
  });
  document.addEventListener("click", function (e) {
    var close = e.target.closest("[data-call-close]");
    if (close) { var card = close.closest("[data-call]"); if (card) { card.remove(); } }
  });
}());
