// The line editor of a sales document (quotes, contracts, orders): add and remove lines, default
// a picked product's unit price from the chosen price strategy, show the customer's last prices
// (and, with the right, the cost price) beside each line, and the totals live. The sums are exact
// decimal arithmetic (BigInt), rounded HALF_UP to the company's price places like
// saas_core.lines.services.compute_totals, so the page shows what is stored.
(function () {
  "use strict";
  var form = document.querySelector("form[data-line-editor]");
  if (!form) { return; }
  var places = parseInt(form.dataset.pricePlaces || "2", 10);
  var keysNode = document.getElementById("strategy-keys");
  var strategyKeys = keysNode ? JSON.parse(keysNode.textContent) : {};
  var body = form.querySelector("[data-lines]");
  var template = form.querySelector("[data-line-template]");
  var total = form.querySelector("[name='TOTAL_FORMS'], [name$='-TOTAL_FORMS']");

  // A decimal string as {n: BigInt, s: scale}; null when it is not a plain number.
  function parse(text) {
    var t = String(text || "").trim().replace(/,/g, "");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) { return null; }
    var neg = t.charAt(0) === "-";
    t = t.replace(/^[+-]/, "");
    var parts = t.split(".");
    var frac = parts[1] || "";
    var n = BigInt((parts[0] || "0") + frac);
    return {n: neg ? -n : n, s: frac.length};
  }
  function pow10(k) { return BigInt(10) ** BigInt(k); }
  // n / 10^s rounded HALF_UP (away from zero on a tie) to `places` decimals, as a BigInt at that scale.
  function roundTo(n, s) {
    if (s <= places) { return n * pow10(places - s); }
    var d = pow10(s - places), neg = n < 0n, a = neg ? -n : n;
    var q = a / d, r = a % d;
    if (r * 2n >= d) { q += 1n; }
    return neg ? -q : q;
  }
  function format(n) {
    var neg = n < 0n, a = (neg ? -n : n).toString();
    if (places > 0) {
      while (a.length <= places) { a = "0" + a; }
      a = a.slice(0, a.length - places) + "." + a.slice(a.length - places);
    }
    return (neg ? "-" : "") + a;
  }
  function field(row, name) { return row.querySelector("[data-line='" + name + "']"); }
  function lineTotal(row) {
    var q = parse(field(row, "quantity").value), p = parse(field(row, "unit_price").value);
    var dText = field(row, "discount_percent").value.trim();
    var d = dText ? parse(dText) : {n: 0n, s: 0};
    if (!q || !p || !d) { return null; }
    // qty × price × (100 − d) / 100, exactly, then rounded once.
    var hundred = 100n * pow10(d.s);
    return roundTo(q.n * p.n * (hundred - d.n), q.s + p.s + d.s + 2);
  }
  function recompute() {
    var sum = 0n;
    body.querySelectorAll("[data-line-row]").forEach(function (row) {
      var out = row.querySelector("[data-line-total]");
      var removed = row.querySelector("[data-line-remove]");
      var value = lineTotal(row);
      out.textContent = value === null ? "" : format(value);
      row.classList.toggle("opacity-50", !!(removed && removed.checked));
      if (value !== null && !(removed && removed.checked)) { sum += value; }
    });
    var discountInput = form.querySelector("[data-doc-discount]");
    var disc = discountInput && discountInput.value.trim() ? parse(discountInput.value) : {n: 0n, s: 0};
    form.querySelector("[data-subtotal]").textContent = format(sum);
    form.querySelector("[data-total]").textContent = disc ? format(sum - roundTo(disc.n, disc.s)) : "";
  }
  function customerId() {
    var c = form.querySelector("select[name='customer']");
    return c ? c.value : "";
  }
  function strategyKey() {
    var s = form.querySelector("[data-doc-strategy]");
    return s ? strategyKeys[s.value] : undefined;
  }
  function showLastPrices(rows) {
    var customer = customerId();
    var wanted = rows.filter(function (row) { return field(row, "product").value; });
    if (!customer || !wanted.length) { return; }
    var q = "customer=" + encodeURIComponent(customer) + wanted.map(function (row) {
      return "&product=" + encodeURIComponent(field(row, "product").value);
    }).join("") + (form.dataset.document ? "&exclude=" + form.dataset.document : "");
    fetch(form.dataset.lastPricesUrl + "?" + q, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {prices: {}}; })
      .then(function (data) {
        wanted.forEach(function (row) {
          var pk = field(row, "product").value;
          var last = (data.prices || {})[pk] || [];
          row.querySelector("[data-last-prices]").textContent = last.length ? form.dataset.textLast + " " + last.map(function (p) {
            return p.price + (p.discount !== "0" ? " −" + p.discount + "%" : "") + " (" + p.date + ")";
          }).join(" · ") : "";
          var cost = (data.costs || {})[pk];
          row.querySelector("[data-cost]").textContent = cost ? form.dataset.textCost + " " + cost : "";
        });
      })
      .catch(function () {});
  }
  function wire(row) {
    var product = field(row, "product");
    product.addEventListener("change", function () {
      var option = product.options[product.selectedIndex];
      var item = option && option.getAttribute("data-item") ? JSON.parse(option.getAttribute("data-item")) : null;
      var key = strategyKey();
      if (item && key && item.prices && item.prices[key] !== undefined) { field(row, "unit_price").value = item.prices[key]; }
      var qty = field(row, "quantity");
      if (item && !qty.value) { qty.value = "1"; }
      recompute();
      showLastPrices([row]);
    });
  }
  function addLine() {
    var index = parseInt(total.value, 10);
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("[data-line-row]");
    body.appendChild(row);
    total.value = String(index + 1);
    // pickers.js enhances selects added later on this event (the same as after an htmx swap).
    row.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true}));
    wire(row);
    var input = row.querySelector("[data-picker-input]");
    if (input) { input.focus(); }
    return row;
  }
  form.querySelector("[data-add-line]").addEventListener("click", addLine);
  form.addEventListener("input", recompute);
  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "customer") {
      showLastPrices(Array.prototype.slice.call(body.querySelectorAll("[data-line-row]")));
      refreshOpportunities();
    }
    recompute();
  });
  function refreshOpportunities() {
    var select = form.querySelector("select[name='opportunity']");
    var customer = customerId();
    if (!select) { return; }
    // Keep the form's own translated blank choice (请选择 / (not set)), not Django's dashes.
    var blank = select.options.length ? select.options[0].text : "";
    select.textContent = "";
    select.add(new Option(blank, ""));
    if (!customer) { return; }
    fetch(form.dataset.opportunitiesUrl + "?customer=" + encodeURIComponent(customer), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) {
        (data.results || []).forEach(function (o) { select.add(new Option(o.text, o.id)); });
        // Other lists that follow the customer: a contract's signer (its contacts), an order's contract.
        [["contacts", "customer_signer"], ["contracts", "contract"]].forEach(function (pair) {
          var other = form.querySelector("select[name='" + pair[1] + "']");
          if (!other || !data[pair[0]]) { return; }
          var empty = other.options.length ? other.options[0].text : "";
          other.textContent = "";
          other.add(new Option(empty, ""));
          data[pair[0]].forEach(function (c) { other.add(new Option(c.text, c.id)); });
        });
      })
      .catch(function () {});
  }
  var rows = Array.prototype.slice.call(body.querySelectorAll("[data-line-row]"));
  rows.forEach(wire);
  if (!rows.length) { addLine(); }
  showLastPrices(rows);
  recompute();
}());
