// Customer charts: the filtered list's figures (data-url) drawn with ECharts. Tooltips are drawn
// on the canvas (richText): ECharts' HTML tooltips carry style attributes, which the
// Content-Security-Policy refuses.
(function () {
  var root = document.getElementById("charts");
  fetch(root.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      document.querySelector("[data-testid=chart-total]").textContent = root.dataset.totalLabel.replace("%(count)s", data.total);
      data.charts.forEach(function (chart) {
        var card = root.querySelector("[data-chart='" + chart.key + "']");
        if (!card) { return; }
        var el = card.querySelector(".chart"), rows = chart.data;
        card.setAttribute("data-values", JSON.stringify(rows.map(function (r) { return [r.label, r.value]; })));
        if (!rows.length) { el.textContent = root.dataset.emptyLabel; el.classList.add("text-muted", "small"); return; }
        var option;
        if (chart.type === "pie") {
          option = {tooltip: {trigger: "item", renderMode: "richText"}, legend: {bottom: 0, type: "scroll"},
                    series: [{type: "pie", radius: ["35%", "65%"], data: rows.map(function (r) { return {name: r.label, value: r.value}; })}]};
        } else {
          var ordered = rows.slice().reverse();
          option = {tooltip: {trigger: "axis", renderMode: "richText"}, grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
                    xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", data: ordered.map(function (r) { return r.label; })},
                    series: [{type: "bar", barMaxWidth: 28, data: ordered.map(function (r) { return r.value; })}]};
        }
        var instance = echarts.init(el);
        instance.setOption(option);
        window.addEventListener("resize", function () { instance.resize(); });
      });
      root.setAttribute("data-loaded", "1");
    });
})();
