// The app shell (web/templates/web/shell.html): the sidebar's collapse button and the global
// search box with its drop-down of suggestions. Wired from data-* attributes (no inline code:
// the Content-Security-Policy forbids it).
(function () {
  "use strict";

  // --- sidebar: collapse to icons on desktop, remembered in localStorage ---------------------
  var root = document.documentElement;
  var collapse = document.querySelector("[data-sidebar-collapse]");
  function showCollapsed() {
    if (collapse) { collapse.setAttribute("aria-pressed", root.classList.contains("sidebar-collapsed") ? "true" : "false"); }
  }
  if (collapse) {
    showCollapsed();
    collapse.addEventListener("click", function () {
      var collapsed = root.classList.toggle("sidebar-collapsed");
      try { window.localStorage.setItem("crm.sidebar", collapsed ? "collapsed" : "open"); } catch (e) { /* not remembered */ }
      showCollapsed();
    });
  }

  // --- global search ---------------------------------------------------------------------------
  var form = document.querySelector("form.global-search");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".search-results");
  var timer = null;
  var asked = "";
  var active = -1;

  function options() { return Array.prototype.slice.call(list.querySelectorAll("[data-search-hit]")); }

  function setOpen(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) { active = -1; input.removeAttribute("aria-activedescendant"); }
  }

  function highlight(index) {
    var all = options();
    if (!all.length) { return; }
    active = (index + all.length) % all.length;
    all.forEach(function (el, i) {
      el.classList.toggle("active", i === active);
      el.setAttribute("aria-selected", i === active ? "true" : "false");
      if (!el.id) { el.id = "search-hit-" + i; }
    });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function suggest() {
    var query = input.value.trim();
    if (!query) { asked = ""; list.innerHTML = ""; setOpen(false); return; }
    if (query === asked) { setOpen(list.innerHTML.trim() !== ""); return; }
    asked = query;
    var url = form.dataset.suggestUrl + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (asked !== query) { return; }  // an older answer arriving late
        list.innerHTML = html;
        active = -1;
        setOpen(html.trim() !== "" && document.activeElement === input);
      })
      .catch(function () { /* offline: Enter still opens the results page */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 200);
  });
  input.addEventListener("focus", function () { if (input.value.trim()) { suggest(); } });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { suggest(); setOpen(options().length > 0); }
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(options()[active].href);
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) { setOpen(false); }
  });

  // "/" focuses the search box, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var el = document.activeElement;
    var typing = el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    if (typing) { return; }
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
