// The funnel and forecast charts (ECharts, vendored): data from the page's json_script; a click on
// a stage or a month opens the opportunities behind it, like the table's links.
(function () {
  "use strict";
  var source = document.getElementById("funnel-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function open(params) {
    if (params && params.data && params.data.url) { window.location.href = params.data.url; }
  }

  document.querySelectorAll("[data-funnel]").forEach(function (node) {
    var funnel = data.funnels[parseInt(node.dataset.funnel, 10)];
    if (!funnel) { return; }
    var chart = window.echarts.init(node);
    chart.setOption({
      tooltip: {trigger: "item", formatter: function (p) { return p.name + "<br>" + data.labels.count + ": " + p.value + "<br>" + data.labels.amount + ": " + p.data.amount; }},
      series: [{type: "funnel", sort: "none", left: "5%", width: "90%", minSize: "15%", label: {show: true, position: "inside"},
        data: funnel.stages.map(function (s) { return {name: s.name, value: s.count, amount: s.amount, url: s.url}; })}],
    });
    chart.on("click", open);
    charts.push(chart);
  });

  var forecastNode = document.querySelector(".forecast-chart");
  if (forecastNode && data.forecast.length) {
    var chart = window.echarts.init(forecastNode);
    chart.setOption({
      tooltip: {trigger: "axis"},
      legend: {data: [data.labels.amount, data.labels.weighted]},
      grid: {left: 60, right: 16, bottom: 30, top: 36},
      xAxis: {type: "category", data: data.forecast.map(function (r) { return r.month; })},
      yAxis: {type: "value"},
      series: [
        {name: data.labels.amount, type: "bar", data: data.forecast.map(function (r) { return {value: Number(r.amount), url: r.url}; })},
        {name: data.labels.weighted, type: "bar", data: data.forecast.map(function (r) { return {value: Number(r.weighted), url: r.url}; })},
      ],
    });
    chart.on("click", open);
    charts.push(chart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
