// The top bar's 待我审批 count follows the "approvals.changed" events the engine pushes
// (saas_core/approvals/services.py _notify) through the real-time channel (web/realtime.js).
(function () {
  document.addEventListener("crm:event", function (e) {
    var event = e.detail;
    if (!event || event.type !== "approvals.changed") { return; }
    var button = document.querySelector("[data-testid=approvals-button]");
    if (!button) { return; }
    var badge = button.querySelector("[data-testid=approvals-count]");
    var count = Number(event.waiting) || 0;
    if (!count) {
      if (badge) { badge.remove(); }
      return;
    }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge bg-danger bell-count";
      badge.setAttribute("data-testid", "approvals-count");
      button.appendChild(badge);
    }
    badge.textContent = count > 99 ? "99+" : String(count);
  });
})();
