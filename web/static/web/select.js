// Searchable selects (web.widgets.SearchableSelect): Tom Select on every select[data-searchable].
// Options answer to their label and to their data-words (pinyin, initials, English names), so
// "js" or "jiangsu" finds 江苏省 and "shanghai" finds the Shanghai time zone.
// The region picker (saas_core.regions.forms): select[data-region=province|city|district] of
// one form cascade; the cities and districts come from the province select's data-regions-url.
(function () {
  "use strict";
  if (!window.TomSelect) { return; }

  // A typed word matches an option when the label contains it, or when one of the option's
  // words starts with it: "js" finds 江苏省 (jss) but not 福建省 (fjs); several words must all match.
  // Options where a word starts with it come first.
  function score(query) {
    var tokens = query.toLowerCase().split(/\s+/).filter(Boolean);
    return function (item) {
      var text = String(item.text || "").toLowerCase();
      var words = String(item.words || "").toLowerCase().split(/\s+/);
      var total = 1;
      for (var i = 0; i < tokens.length; i += 1) {
        var token = tokens[i];
        var prefix = text.indexOf(token) === 0 || words.some(function (w) { return w.indexOf(token) === 0; });
        if (prefix) { total *= 2; } else if (text.indexOf(token) < 0) { return 0; }
      }
      return total;
    };
  }

  function setup(select) {
    if (select.tomselect) { return select.tomselect; }
    // The empty choice ("(not set)") is the placeholder, and a × clears the value, rather than
    // an item that stays in the box while one types.
    var empty = select.querySelector("option[value='']");
    return new TomSelect(select, {
      searchField: ["text", "words"],
      score: score,
      refreshThrottle: 0,  // local options: filter at each key
      maxOptions: null,
      create: false,
      closeAfterSelect: true,
      allowEmptyOption: false,
      placeholder: empty ? empty.text : "",
      plugins: empty ? {clear_button: {title: select.dataset.clearLabel || ""}} : {},
      // The dropdown hangs off <body> so no card or table cuts it off (on phones too).
      dropdownParent: "body",
      render: {
        no_results: function (data, escape) { return "<div class=\"no-results\">" + escape(select.dataset.noResults || "") + "</div>"; }
      }
    });
  }

  function regionPicker(province) {
    var form = province.form, url = province.dataset.regionsUrl;
    var city = form && form.querySelector("select[data-region=city]");
    var district = form && form.querySelector("select[data-region=district]");
    var tree = null;

    function fill(select, items) {
      var ts = select.tomselect;
      ts.clear(true);
      ts.clearOptions();
      (items || []).forEach(function (item) { ts.addOption({value: item[0], text: item[0], words: item[1]}); });
      ts.refreshOptions(false);
    }
    function find(items, name) {
      for (var i = 0; i < (items || []).length; i += 1) { if (items[i][0] === name) { return items[i]; } }
      return null;
    }
    function citiesOf(name) { var p = find(tree, name); return p ? p[2] : []; }
    function districtsOf(provinceName, cityName) { var c = find(citiesOf(provinceName), cityName); return c ? c[2] : []; }

    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        tree = data;
        if (tree) { form.setAttribute("data-regions-ready", ""); }
      })
      .catch(function () {});
    province.addEventListener("change", function () {
      if (!tree) { return; }
      if (city) { fill(city, citiesOf(province.value)); }
      // One city (北京市, 上海市, …): chosen at once, its districts offered.
      if (city && citiesOf(province.value).length === 1) {
        city.tomselect.setValue(citiesOf(province.value)[0][0], true);
      }
      if (district) { fill(district, city ? districtsOf(province.value, city.value) : []); }
    });
    if (city && district) {
      city.addEventListener("change", function () {
        if (tree) { fill(district, districtsOf(province.value, city.value)); }
      });
    }
  }

  document.querySelectorAll("select[data-searchable]").forEach(setup);
  document.querySelectorAll("select[data-region=province][data-regions-url]").forEach(regionPicker);
})();
