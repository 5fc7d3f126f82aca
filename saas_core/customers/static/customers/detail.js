// The customer 360° view's tabs: switch without a reload, keep the tab in the URL (?tab=) so
// reload and Back return to it, and fetch a tab's lazy panels the first time it is shown.
// Without JavaScript every tab is a link to ?tab=<key> and every placeholder links to its panel.
(function () {
  "use strict";

  var view = document.querySelector("[data-customer-360]");
  if (!view) { return; }
  var tabs = Array.prototype.slice.call(document.querySelectorAll("[data-tab]"));
  var panes = Array.prototype.slice.call(view.querySelectorAll("[data-pane]"));
  var first = tabs.length ? tabs[0].dataset.tab : "";

  function fail(section, src) {
    section.dataset.panelSrc = src;  // try again next time the tab opens
    var loading = section.querySelector("[data-panel-loading]");
    if (loading) { loading.textContent = view.dataset.loadFailed || loading.textContent; }
  }

  function load(pane) {
    Array.prototype.forEach.call(pane.querySelectorAll("[data-panel-src]"), function (section) {
      var src = section.dataset.panelSrc;
      delete section.dataset.panelSrc;
      fetch(src, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (response) {
        if (!response.ok || response.redirected) {  // a lapsed session answers with the login page throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        var body = section.querySelector("[data-panel-body]");
        body.innerHTML = html;  // our own server's rendering of the panel template (escaped there)
        if (window.htmx) { window.htmx.process(body); }
        section.dataset.loaded = "1";
      }).catch(function () { fail(section, src); });
    });
  }

  function paneOf(key) {
    return panes.filter(function (p) { return p.dataset.pane === key; })[0];
  }

  function select(key, push) {
    var pane = paneOf(key) || paneOf(first);
    if (!pane) { return; }
    key = pane.dataset.pane;
    tabs.forEach(function (tab) {
      var on = tab.dataset.tab === key;
      tab.classList.toggle("active", on);
      tab.setAttribute("aria-selected", on ? "true" : "false");
      if (on && tab.scrollIntoView) { tab.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    });
    panes.forEach(function (p) { p.hidden = p !== pane; });
    load(pane);
    if (push) {
      var url = new URL(window.location.href);
      url.searchParams.set("tab", key);
      url.hash = "";
      window.history.pushState({ tab: key }, "", url.toString());
    }
  }

  function fromLocation() {
    var hash = window.location.hash.slice(1);
    var target = hash && document.getElementById(hash);
    var pane = target && target.closest && target.closest("[data-pane]");
    if (pane) { return pane.dataset.pane; }  // #panel-contacts after a change: its tab
    return new URL(window.location.href).searchParams.get("tab") || first;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var link = event.target.closest && event.target.closest("[data-tab], [data-tab-link]");
    if (!link) { return; }
    var key = link.dataset.tab || link.dataset.tabLink;
    if (!paneOf(key)) { return; }
    event.preventDefault();
    select(key, true);
    var anchor = link.hash && document.getElementById(link.hash.slice(1));
    if (anchor) { anchor.scrollIntoView(); }
  });

  window.addEventListener("popstate", function () { select(fromLocation(), false); });
  select(fromLocation(), false);
})();
