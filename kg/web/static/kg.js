// Charts of kg's pages: each element with data-chart holds {kind: "line"|"bar", x: [...],
// series: [{name, values}]} as JSON; drawn with ECharts (vendored, no network).
(function () {
  "use strict";
  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    if (typeof echarts === "undefined" || !spec.x || !spec.x.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: spec.x },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind === "bar" ? "bar" : "line", stack: spec.kind === "bar" ? "all" : undefined,
                 connectNulls: false, data: s.values.map(function (v) { return v === null ? "-" : Number(v); }) };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var els = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < els.length; i++) { draw(els[i]); }
  var mark = document.getElementById("sentence");
  if (mark && mark.scrollIntoView) { mark.scrollIntoView({ block: "center" }); }
})();
