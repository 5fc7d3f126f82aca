// The customer picker and the people pickers (web/pickers.py): a plain <select> underneath, which
// stays the form's value (and works without this script); this adds a search box, a list of
// matches and, for several people, chips. Wired from data-picker; no inline code (CSP).
//   select[data-picker=customer][data-url]   one customer, matches from the server's quick search
//   select[data-picker=product][data-url]    one product on sale, the same way (the chosen match's
//                                            unit and prices are on its option as data-item JSON)
//   select[data-picker=person]               one colleague, found by name / pinyin / initials
//   select[data-picker=people][multiple]     several colleagues as chips
(function () {
  "use strict";
  var MAX_SHOWN = 12;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function plain(text) { return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }

  // One shared piece: a search box with a list of matches under it (keyboard: ↑ ↓ Enter Esc).
  function searchBox(select, placeholder) {
    var wrap = el("div", "picker position-relative");
    var input = el("input", "form-control");
    input.type = "search";
    input.autocomplete = "off";
    input.placeholder = placeholder;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("data-picker-input", select.dataset.picker);
    if (select.id) {
      // The field's <label for> now names the search box; the select keeps the value.
      input.id = select.id + "_search";
      var label = document.querySelector("label[for='" + select.id + "']");
      if (label) { label.htmlFor = input.id; }
    }
    var list = el("div", "list-group position-absolute w-100 shadow-sm z-3 picker-list d-none");
    list.setAttribute("role", "listbox");
    list.setAttribute("data-picker-list", "");
    wrap.appendChild(input);
    wrap.appendChild(list);
    select.classList.add("visually-hidden");
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrap, select.nextSibling);
    var active = -1;

    function items() { return Array.prototype.slice.call(list.querySelectorAll("[data-value]")); }
    function mark(i) {
      var all = items();
      active = all.length ? (i + all.length) % all.length : -1;
      all.forEach(function (b, j) { b.classList.toggle("active", j === active); });
    }
    function show(matches, onPick, emptyText) {
      list.textContent = "";
      matches.slice(0, MAX_SHOWN).forEach(function (m) {
        var b = el("button", "list-group-item list-group-item-action py-1", m.label);
        b.type = "button";
        b.setAttribute("role", "option");
        b.setAttribute("data-value", m.value);
        if (m.note) { b.appendChild(el("small", "text-muted ms-2", m.note)); }
        b.addEventListener("mousedown", function (e) { e.preventDefault(); });
        b.addEventListener("click", function () { onPick(m); hide(); });
        list.appendChild(b);
      });
      if (!matches.length && emptyText) {
        list.appendChild(el("div", "list-group-item text-muted py-1 small", emptyText));
      }
      list.classList.toggle("d-none", !list.childNodes.length);
      input.setAttribute("aria-expanded", list.childNodes.length ? "true" : "false");
      mark(0);
    }
    function hide() {
      list.classList.add("d-none");
      input.setAttribute("aria-expanded", "false");
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        mark(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        var all = items();
        if (!list.classList.contains("d-none") && all[active]) { e.preventDefault(); all[active].click(); }
      } else if (e.key === "Escape") {
        hide();
      }
    });
    input.addEventListener("blur", hide);
    return {wrap: wrap, input: input, show: show, hide: hide};
  }

  // The words come from the widget (data-placeholder, data-no-match, data-remove), translated there.
  function noMatchText(select) { return select.dataset.noMatch || ""; }

  function initRemote(select) {
    var box = searchBox(select, select.dataset.placeholder || "");
    var chosen = select.options[select.selectedIndex];
    box.input.value = chosen && chosen.value ? chosen.textContent : "";
    var timer = null, asked = "";

    function choose(m) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === String(m.value); });
      if (!option) { option = new Option(m.label, m.value); select.add(option); }
      if (m.item) { option.setAttribute("data-item", JSON.stringify(m.item)); }
      select.value = String(m.value);
      box.input.value = m.label;
      select.dispatchEvent(new Event("change", {bubbles: true}));
    }
    function ask() {
      var q = box.input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (!q) {
        select.value = "";
        box.hide();
        return;
      }
      fetch(select.dataset.url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {results: []}; })
        .then(function (data) {
          if (box.input.value.trim() !== q) { return; }  // an older answer
          box.show((data.results || []).map(function (c) {
            return {value: c.id, label: c.label, note: c.note || c.owner, item: c};
          }),
                   choose, noMatchText(select));
        })
        .catch(function () {});
    }
    box.input.addEventListener("input", function () {
      var current = select.options[select.selectedIndex];
      if (current && current.value && box.input.value !== current.textContent) { select.value = ""; }
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
  }

  function initPeople(select) {
    var many = select.multiple;
    var box = searchBox(select, select.dataset.placeholder || "");
    var chips = el("div", "d-flex flex-wrap gap-1 mb-1 picker-chips");
    chips.setAttribute("data-picker-chips", "");
    if (many) { box.wrap.insertBefore(chips, box.input); }

    function options() { return Array.prototype.filter.call(select.options, function (o) { return o.value; }); }
    function render() {
      if (!many) {
        var o = select.options[select.selectedIndex];
        if (document.activeElement !== box.input) { box.input.value = o && o.value ? o.textContent : ""; }
        return;
      }
      chips.textContent = "";
      options().filter(function (o) { return o.selected; }).forEach(function (o) {
        var chip = el("span", "badge text-bg-light border d-inline-flex align-items-center", o.textContent);
        chip.setAttribute("data-chip", o.value);
        var x = el("button", "btn-close ms-1 picker-chip-remove");
        x.type = "button";
        x.setAttribute("aria-label", (select.dataset.remove || "×") + " " + o.textContent);
        x.addEventListener("click", function () {
          o.selected = false;
          select.dispatchEvent(new Event("change", {bubbles: true}));
        });
        chip.appendChild(x);
        chips.appendChild(chip);
      });
    }
    function matches(q) {
      var query = plain(q);
      return options().filter(function (o) {
        if (many && o.selected) { return false; }
        if (!query) { return true; }
        var keys = (o.dataset.search || o.textContent).split(" ");
        return plain(o.textContent).indexOf(query) >= 0 || keys.some(function (k) { return k.indexOf(query) >= 0; });
      }).map(function (o) { return {value: o.value, label: o.textContent}; });
    }
    function choose(m) {
      if (many) {
        Array.prototype.find.call(select.options, function (o) { return o.value === String(m.value); }).selected = true;
        box.input.value = "";
      } else {
        select.value = String(m.value);
        box.input.value = m.label;
      }
      select.dispatchEvent(new Event("change", {bubbles: true}));
    }
    box.input.addEventListener("input", function () {
      if (!many && !box.input.value) { select.value = ""; }
      box.show(matches(box.input.value), choose, noMatchText(select));
    });
    box.input.addEventListener("focus", function () { box.show(matches(box.input.value), choose, ""); });
    select.addEventListener("change", render);
    render();
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-picker]:not([data-picker-ready])").forEach(function (select) {
      select.setAttribute("data-picker-ready", "");
      if (select.dataset.url) { initRemote(select); } else { initPeople(select); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function (e) { init(e.target); });
}());
