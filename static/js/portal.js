// The public portal's charts (portal/templates/portal/program.html): Apache ECharts, drawn from the page's
// charts.json (the same numbers as each chart's table view and downloads). No inline script or style: the
// Content-Security-Policy forbids them, so tooltips are drawn on the canvas (renderMode "richText").
(function () {
  "use strict";
  var root = document.querySelector("[data-portal-charts]");
  if (!root || typeof window.echarts === "undefined") return;
  var charts = [];
  var GREEN = "#198754";
  var RED = "#c0392b";
  var GREY = "#6c757d";
  var BLUE = "#2f6fb0";
  var ORANGE = "#e67e22";

  function narrow(el) {
    return el.clientWidth < 576;
  }

  function base(el) {
    return {
      aria: { enabled: true },
      animation: false,
      textStyle: { fontFamily: "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif" },
      tooltip: { trigger: "axis", renderMode: "richText", confine: true },
      legend: { bottom: 0, type: narrow(el) ? "scroll" : "plain" },
      grid: { left: 8, right: 24, top: 40, bottom: 40, containLabel: true },
    };
  }

  // Completion by project (sorted, the most advanced first) with the 序时 line.
  function projects(el, table) {
    var items = table.rows.map(function (row, i) {
      return { label: table.labels[i], done: row[3], plan: row[4] };
    });
    items = items.filter(function (item) {
      return item.done !== null;
    });
    items.sort(function (a, b) {
      return b.done - a.done;
    });
    if (!items.length) return null;
    el.style.height = Math.max(220, items.length * 28 + 90) + "px";
    var plan = items[0].plan;
    var option = base(el);
    option.legend.show = false;
    option.tooltip.trigger = "item";
    option.xAxis = { type: "value", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); },
      axisLabel: { formatter: "{value}%" } };
    option.yAxis = {
      type: "category",
      inverse: true,
      data: items.map(function (item) { return item.label; }),
      axisLabel: { width: narrow(el) ? Math.round(el.clientWidth * 0.42) : 260, overflow: "truncate" },
    };
    option.series = [
      {
        name: table.head[3],
        type: "bar",
        barMaxWidth: 18,
        data: items.map(function (item) {
          return { value: item.done, itemStyle: { color: item.done < item.plan - 5 ? RED : GREEN } };
        }),
        label: { show: true, position: "right", formatter: "{c}%", fontSize: 11 },
        markLine: {
          symbol: "none",
          silent: true,
          lineStyle: { color: "#212529", type: "dashed", width: 1.5 },
          // the y axis runs downwards (inverse): "start" is the top, clear of the value axis' labels
          label: { formatter: table.head[4].replace(/（%）|\(%\)/, "") + " {c}%", position: "start" },
          data: [{ xAxis: plan }],
        },
      },
    ];
    return option;
  }

  // Funds by source: budget, arrived, spent (万元).
  function sources(el, table) {
    var option = base(el);
    option.xAxis = { type: "category", data: table.labels, axisLabel: { interval: 0, hideOverlap: true } };
    option.yAxis = { type: "value", name: "万元", nameTextStyle: { align: "left" } };
    option.series = [1, 2, 3].map(function (c, i) {
      return {
        name: table.head[c].replace(/（万元）|\(.*\)/, ""),
        type: "bar",
        barMaxWidth: 28,
        itemStyle: { color: [GREY, BLUE, GREEN][i] },
        data: table.rows.map(function (row) { return row[c]; }),
      };
    });
    return option;
  }

  // The year month by month: completion against 序时 (%), money arrived and spent (万元).
  function trend(el, table) {
    var option = base(el);
    option.xAxis = { type: "category", data: table.labels, axisLabel: { hideOverlap: true } };
    option.yAxis = [
      { type: "value", name: "万元", nameTextStyle: { align: "left" } },
      { type: "value", name: "%", max: 100, splitLine: { show: false } },
    ];
    function column(c) {
      return table.rows.map(function (row) { return row[c]; });
    }
    function name(c) {
      return table.head[c].replace(/（.*）|\(.*\)/, "");
    }
    option.series = [
      { name: name(3), type: "bar", barMaxWidth: 16, itemStyle: { color: BLUE }, data: column(3) },
      { name: name(4), type: "bar", barMaxWidth: 16, itemStyle: { color: GREEN }, data: column(4) },
      { name: name(1), type: "line", yAxisIndex: 1, itemStyle: { color: ORANGE }, data: column(1) },
      {
        name: name(2),
        type: "line",
        yAxisIndex: 1,
        symbol: "none",
        lineStyle: { type: "dashed", color: "#212529" },
        itemStyle: { color: "#212529" },
        data: column(2),
      },
    ];
    return option;
  }

  var DRAW = { projects: projects, sources: sources, trend: trend };

  function draw(data) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      var table = data.tables[name];
      var make = DRAW[name];
      if (!table || !make || !table.rows.length) return;
      var option = make(el, table);
      if (!option) {
        el.hidden = true;
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas", locale: "ZH" });
      chart.setOption(option);
      el.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      charts.forEach(function (chart) { chart.resize(); });
    }, 150);
  });

  fetch(root.getAttribute("data-src"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error("charts.json " + response.status);
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      root.setAttribute("data-chart-error", String(error));
      window.console.error(error);
    });
})();
