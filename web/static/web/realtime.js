// The real-time channel (saas_core/realtime): one WebSocket per open tab of a signed-in user.
// Every event the server pushes is handed to the page as a "crm:event" DOM event (detail: the
// event); modules' scripts listen for their types. After a drop the tab reconnects within 5 s
// and asks for what it missed ("pending": e.g. calls ringing for this user).
(function () {
  "use strict";
  var marker = document.querySelector("[data-realtime]");
  if (!marker || !window.WebSocket) { return; }
  var url = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + marker.dataset.realtime;
  var socket = null;
  var failures = 0;
  var leaving = false;

  function fire(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function retryDelay() {
    // 0.5, 1, 2, then at most 4 s (the 5 s promise); a tab refused again and again (signed out
    // elsewhere) slows to every 30 s.
    if (failures > 20) { return 30000; }
    return Math.min(4000, 500 * Math.pow(2, Math.max(0, failures - 1))) * (0.8 + Math.random() * 0.2);
  }

  function connect() {
    socket = new WebSocket(url);
    socket.addEventListener("open", function () {
      failures = 0;
      marker.dataset.realtimeState = "open";
      socket.send(JSON.stringify({ action: "pending" }));
      fire("crm:realtime-open", null);
    });
    socket.addEventListener("message", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event && typeof event.type === "string") { fire("crm:event", event); }
    });
    socket.addEventListener("close", function () {
      marker.dataset.realtimeState = "closed";
      if (leaving) { return; }
      failures += 1;
      window.setTimeout(connect, retryDelay());
    });
  }

  window.addEventListener("pagehide", function () { leaving = true; if (socket) { socket.close(); } });
  window.crmRealtime = {
    send: function (data) {
      if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(data)); return true; }
      return false;
    },
    // For tests and diagnostics: drop the socket as a network would (it reconnects).
    drop: function () { if (socket) { socket.close(); } }
  };
  connect();
}());
