// Charts of the industry-chain pages, drawn with the vendored Apache ECharts (static/vendor/echarts).
// Each page puts its data in a <script type="application/json"> block; nothing inline runs (CSP).
(function () {
  "use strict";

  var STATUS_COLOURS = { missing: "#d9d9d9", single: "#f08c3a", thin: "#f5c542", covered: "#3a9d5d" };
  var CHOKE_BORDER = "#c0392b";
  var COLUMN_WIDTH = 200, ROW_HEIGHT = 120;  // tests/chain/test_browser.py clicks nodes by these

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    if (content !== undefined) { element.textContent = content; }
    if (className) { element.className = className; }
    return element;
  }

  function start(id) {
    var element = document.getElementById(id);
    if (!element || !window.echarts) { return null; }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function segmentName(item, lang) { return lang === "en" ? item.en : item.zh; }

  // --- the chain map: one row per chain, its segments left to right -------------------------
  function drawChainMap() {
    var data = readData("chain-data");
    var chart = data && start("chain-map");
    if (!chart) { return; }
    var labels = data.labels, lang = labels.lang, nodes = [], links = [], bySegment = {};
    data.chains.forEach(function (chain, row) {
      chain.segments.forEach(function (segment, column) {
        var id = chain.chain + "/" + segment.segment;
        bySegment[id] = { chain: chain, segment: segment };
        nodes.push({
          id: id, name: segmentName(segment, lang), x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT,
          value: segment.count, symbolSize: Math.min(58, 24 + segment.count * 6),
          itemStyle: { color: STATUS_COLOURS[segment.status], borderColor: segment.choke ? CHOKE_BORDER : "#ffffff",
                       borderWidth: segment.choke ? 4 : 1 },
          label: { show: true, position: "bottom", distance: 4, fontSize: 11, formatter: "{b}\n" + segment.count }
        });
        if (column > 0) {
          links.push({ source: chain.chain + "/" + chain.segments[column - 1].segment, target: id });
        }
      });
      nodes.push({ id: "chain:" + chain.chain, name: segmentName(chain, lang), x: -COLUMN_WIDTH, y: row * ROW_HEIGHT,
                   symbolSize: 1, itemStyle: { color: "transparent" },
                   label: { show: true, position: "right", fontWeight: "bold", formatter: "{b}" } });
    });
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          var found = bySegment[p.data && p.data.id];
          if (!found) { return ""; }
          var s = found.segment;
          return segmentName(found.chain, lang) + " · " + segmentName(s, lang) + "<br>" + labels.local + ": " +
            s.count + " (" + labels.status[s.status] + (s.choke ? ", " + labels.choke : "") + ")";
        }
      },
      series: [{ type: "graph", layout: "none", roam: true, data: nodes, links: links,
                 lineStyle: { color: "#9aa5b1", width: 2 }, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7 }]
    });
    chart.on("click", function (params) {
      var found = params.data && bySegment[params.data.id];
      if (found) { showSegment(found.chain, found.segment, data.query, labels); }
    });
  }

  function showSegment(chain, segment, query, labels) {
    var lang = labels.lang, panel = document.getElementById("segment-panel");
    panel.textContent = "";
    panel.appendChild(text("h2", segmentName(chain, lang) + " · " + segmentName(segment, lang)));
    panel.appendChild(text("p", labels.status[segment.status] + (segment.choke ? " · " + labels.choke : "") +
                            " · " + labels.local + " " + segment.count + " · " + labels.outcomes + " " +
                            segment.outcome_count, "muted"));
    if (!segment.organizations.length) {
      panel.appendChild(text("p", labels.empty, "empty"));
    } else {
      var list = text("ol");
      list.id = "segment-enterprises";
      segment.organizations.forEach(function (org) {
        var item = text("li"), link = text("a", org.name);
        link.href = "/organizations/" + org.id;
        item.appendChild(link);
        item.appendChild(text("small", " " + org.city, "muted"));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
    var more = text("a", labels.full_list);
    more.href = "/chain/segment?" + (query ? query + "&" : "") + "chain=" + encodeURIComponent(chain.chain) +
      "&segment=" + encodeURIComponent(segment.segment);
    more.id = "segment-full-list";
    panel.appendChild(more);
  }

  // --- region × segment heat map ------------------------------------------------------------
  function drawHeatmap() {
    var data = readData("heatmap-data");
    var chart = data && start("chain-heatmap");
    if (!chart) { return; }
    var cells = [], max = 1;
    data.counts.forEach(function (row, y) {
      row.forEach(function (value, x) { cells.push([x, y, value]); max = Math.max(max, value); });
    });
    chart.setOption({
      animation: false,
      tooltip: { position: "top" },
      grid: { left: 110, right: 30, top: 20, bottom: 90 },
      xAxis: { type: "category", data: data.segments, axisLabel: { interval: 0, rotate: 30 }, splitArea: { show: true } },
      yAxis: { type: "category", data: data.regions, splitArea: { show: true } },
      visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   inRange: { color: ["#f7fbff", "#6baed6", "#08306b"] } },
      series: [{ type: "heatmap", data: cells, label: { show: true } }]
    });
    chart.on("click", function (params) {
      var region = data.regions[params.data[1]], segment = data.keys[params.data[0]];
      window.location.href = "/chain/segment?region=" + encodeURIComponent(region) + "&chain=" +
        encodeURIComponent(data.chain) + "&segment=" + encodeURIComponent(segment);
    });
  }

  // --- trend charts of cluster figures: one line per scope, one grid per metric --------------
  function drawTrends() {
    var data = readData("trend-data");
    var chart = data && start("chain-trend");
    if (!chart) { return; }
    var metric = Object.keys(data)[0];
    if (!metric) { return; }
    var scopes = data[metric], periods = {};
    Object.keys(scopes).forEach(function (scope) { scopes[scope].forEach(function (p) { periods[p[0]] = true; }); });
    var axis = Object.keys(periods).sort();
    chart.setOption({
      animation: false,
      title: { text: metric, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 60, right: 30, top: 40, bottom: 50 },
      xAxis: { type: "category", data: axis },
      yAxis: { type: "value" },
      series: Object.keys(scopes).map(function (scope) {
        var byPeriod = {};
        scopes[scope].forEach(function (p) { byPeriod[p[0]] = p[1]; });
        return { name: scope, type: "line", connectNulls: true,
                 data: axis.map(function (period) { return period in byPeriod ? byPeriod[period] : null; }) };
      })
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChainMap();
    drawHeatmap();
    drawTrends();
  });
})();
