/* The dashboard's charts: each [data-dashboard-chart] element names the JSON endpoint of its chart
   (dashboard/api.py); the chart is drawn with the vendored ECharts (SVG renderer, tooltips drawn inside the chart:
   ECharts' HTML tooltips carry inline style attributes, which the CSP refuses). A click on a bar or on its label
   follows the row's drill-down link. The table below each chart holds the same numbers; it stays open when no
   chart could be drawn. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var charts = [];

  function percentAxis(spec) {
    return spec.axis === "pct";
  }

  function valueText(spec, value) {
    if (value === null || value === undefined) {
      return "—";
    }
    return percentAxis(spec) ? value + "%" : String(value);
  }

  function option(el, spec) {
    var n = spec.categories.length;
    var narrow = el.clientWidth < 576;
    var valueAxis = {
      type: "value",
      axisLabel: { formatter: percentAxis(spec) ? "{value}%" : "{value}", hideOverlap: true },
    };
    if (percentAxis(spec)) {
      valueAxis.min = 0;
      valueAxis.max = function (extent) {
        return Math.max(100, Math.ceil(extent.max / 10) * 10);
      };
    }
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      triggerEvent: true,
      axisLabel: {
        interval: 0,
        width: spec.horizontal ? (narrow ? 96 : 220) : (narrow ? 56 : 90),
        overflow: "truncate",
        rotate: !spec.horizontal && n > (narrow ? 3 : 8) ? 40 : 0,
        hideOverlap: !spec.horizontal,
      },
    };
    if (spec.horizontal) {
      categoryAxis.inverse = true; // the first row (the most behind) on top
    }
    var series = spec.series.map(function (s, i) {
      var out = { name: s.name, type: s.kind, data: s.data, cursor: "pointer" };
      if (s.kind === "bar") {
        out.barMaxWidth = 18;
      } else {
        out.connectNulls = false;
        out.symbolSize = 6;
      }
      if (s.dashed) {
        out.lineStyle = { type: "dashed" };
      }
      if (i === 0 && spec.schedule !== null && spec.schedule !== undefined) {
        var mark = {};
        mark[spec.horizontal ? "xAxis" : "yAxis"] = spec.schedule;
        out.markLine = {
          symbol: "none",
          silent: true,
          lineStyle: { color: "#c00000", type: "dashed", width: 2 },
          label: {
            formatter: spec.schedule_label + " " + spec.schedule + "%",
            position: spec.horizontal ? "end" : "insideEndTop",
            color: "#c00000",
          },
          data: [mark],
        };
      }
      return out;
    });
    return {
      animation: false,
      color: ["#2f6fb3", "#3fa37a", "#e0a030", "#8b5fbf"],
      textStyle: { fontFamily: "sans-serif" },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        axisPointer: { type: "shadow" },
        valueFormatter: function (v) {
          return valueText(spec, v);
        },
      },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: narrow ? 16 : 48, top: 40, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: series,
    };
  }

  function follow(spec, index) {
    var link = spec.links && spec.links[index];
    if (link) {
      window.location.href = link;
    }
  }

  function render(el, spec) {
    var n = spec.categories.length;
    if (!n) {
      el.textContent = spec.empty;
      el.classList.add("dash-chart-empty");
      return;
    }
    var bars = spec.series.every(function (s) {
      return s.kind === "bar";
    });
    if (!spec.horizontal && bars && window.innerWidth < 576 && n > 6) {
      spec.horizontal = true; // a phone: many bars read better as rows
    }
    if (spec.horizontal) {
      // CSSOM, not a style attribute: allowed by the CSP
      el.style.height = Math.max(260, n * (spec.series.length * 8 + 14) + 70) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option(el, spec));
    chart.on("click", function (params) {
      if (params.componentType === "series") {
        follow(spec, params.dataIndex);
      } else if (params.componentType === "xAxis" || params.componentType === "yAxis") {
        follow(spec, spec.categories.indexOf(params.value));
      }
    });
    el.setAttribute("data-drawn", "1");
    charts.push(chart);
    var section = el.closest("section");
    var details = section ? section.querySelector("details:not([data-keep-open])") : null;
    if (details) {
      details.open = false;
    }
  }

  function draw(el) {
    fetch(el.getAttribute("data-dashboard-chart"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (spec) {
        render(el, spec);
      })
      .catch(function () {
        el.textContent = el.getAttribute("data-error") || "";
        el.classList.add("dash-chart-empty");
      });
  }

  document.querySelectorAll("[data-dashboard-chart]").forEach(draw);
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (c) {
        c.resize();
      });
    }, 150);
  });
})();
