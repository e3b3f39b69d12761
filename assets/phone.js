/* The staff page on phones and tablets (the CSS half is at the end of dashboard.css).

   1. The folded filter: on a phone the controls sit behind .filters-toggle (aria-expanded,
      aria-controls); a click or tap, Enter or Space opens and closes them. Delegated from the
      document, so it works on the first response's copy (assets/ssr.js) as on the live page.

   2. Charts: the figure builders draw for a desktop panel and the server does not know the
      screen, so each figure is adjusted here, in the browser, as it is drawn (Plotly.react is
      how dcc.Graph draws): on touch or narrow screens no tool bar over the chart; under 992 px
      no text under 12 px (bar labels that would shrink below it are left out, the value is
      a tap away); under 768 px legends above the plot rather than over the data, and bar
      charts of many long names (streets) turned on their side so every name is written out.
      The builders' figures stay as they are for desktops, exports and the big screen. */
(function () {
  var NARROW = window.matchMedia("(max-width: 767.98px)");
  var SMALL = window.matchMedia("(max-width: 991.98px)");
  var TOUCH = window.matchMedia("(hover: none), (pointer: coarse)");
  var MIN_PX = 12;
  var CJK = /[\u2e80-\u9fff]/;

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest(".filters-toggle");
    if (!button) { return; }
    var wrap = button.closest(".filters-wrap");
    var open = !wrap.classList.contains("filters-open");
    wrap.classList.toggle("filters-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });

  function clone(value) {
    return value === undefined ? value : (window.structuredClone ? structuredClone(value) : JSON.parse(JSON.stringify(value)));
  }

  function atLeast(holder, key) {
    if (!holder) { return; }
    var font = holder[key] = Object.assign({}, holder[key]);
    if (typeof font.size === "number" && font.size < MIN_PX) { font.size = MIN_PX; }
  }

  // the width the chart will have: on its first draw the graph's own box may not be laid out yet
  function widthOf(gd) {
    var box = gd.closest(".panel-body") || gd.parentElement;
    return gd.clientWidth || (box && box.clientWidth - 12) || window.innerWidth - 40;
  }

  function textWidth(text, px) {
    var w = 0;
    String(text).split("").forEach(function (ch) { w += CJK.test(ch) ? px : 0.6 * px; });
    return w;
  }

  // vertical bars over many categories named in Chinese (streets): plotly writes every second
  // name, tilted; on their side each gets a line of its own
  function wantsSideways(data) {
    if (!data.length) { return false; }
    var labels = data[0].x || [];
    return data.every(function (t) { return t.type === "bar" && t.orientation !== "h"; }) &&
      labels.length > 6 && labels.some(function (x) { return CJK.test(String(x)); });
  }

  function sideways(fig, gd) {
    var L = fig.layout;
    var labels = fig.data[0].x;
    fig.data.forEach(function (t) {
      var x = t.x; t.x = t.y; t.y = x;
      t.orientation = "h";
      if (t.hovertemplate) {
        t.hovertemplate = t.hovertemplate.replace(/%\{x\}/g, "%{_}").replace(/%\{y\}/g, "%{x}").replace(/%\{_\}/g, "%{y}");
      }
    });
    var xaxis = Object.assign({}, L.yaxis);
    L.yaxis = Object.assign({}, L.xaxis, {tickangle: 0, autorange: "reversed", type: "category", dtick: 1});
    L.xaxis = xaxis;
    var px = (L.font && L.font.size) || 13;
    var widest = Math.max.apply(null, labels.map(function (x) { return textWidth(x, px); }));
    L.margin = Object.assign({}, L.margin, {l: Math.round(widest) + 12, b: 56});
    // a row a name, and the legend's lines above them
    return Math.max(300, labels.length * 24 + (L.showlegend === false ? 0 : legendHeight(fig, gd)) + 96);
  }

  // horizontal bars of long names (volunteer teams) would leave the bars a sliver: the names
  // are cut to under half the width, in full on a tap (the hover label)
  function shortenNames(fig, gd) {
    var L = fig.layout;
    if (!fig.data.length || !fig.data.every(function (t) { return t.type === "bar" && t.orientation === "h"; })) { return; }
    var names = [];
    fig.data.forEach(function (t) {
      (t.y || []).forEach(function (y) { if (typeof y === "string" && names.indexOf(y) < 0) { names.push(y); } });
    });
    if (!names.length) { return; }
    var px = (L.yaxis && L.yaxis.tickfont && L.yaxis.tickfont.size) || (L.font && L.font.size) || 13;
    var room = 0.42 * widthOf(gd);
    var widest = Math.max.apply(null, names.map(function (n) { return textWidth(n, px); }));
    if (widest <= room) { return; }
    var cut = function (name) {
      if (textWidth(name, px) <= room) { return name; }
      var out = "";
      for (var i = 0; i < name.length && textWidth(out + name[i], px) + px <= room; i++) { out += name[i]; }
      return out + "…";
    };
    L.yaxis = Object.assign({}, L.yaxis, {tickmode: "array", tickvals: names, ticktext: names.map(cut)});
    L.margin = Object.assign({}, L.margin, {l: Math.round(room) + 12});
  }

  // plotly sets a horizontal legend out in columns as wide as its widest entry, over the plot's width
  function legendHeight(fig, gd) {
    var L = fig.layout;
    var px = (L.legend && L.legend.font && L.legend.font.size) || (L.font && L.font.size) || 13;
    var entries = fig.data.filter(function (t) { return t.showlegend !== false && t.name; });
    if (!entries.length) { return 0; }
    var widest = Math.max.apply(null, entries.map(function (t) { return textWidth(t.name, px) + 44; }));
    var margin = L.margin || {};
    var width = widthOf(gd) - (margin.l || 0) - (margin.r || 0);
    var columns = Math.max(1, Math.floor(width / widest));
    return Math.ceil(entries.length / columns) * (px + 7);
  }

  function setHeight(gd, height) {
    var graph = gd.closest(".dash-graph");
    var box = gd.closest(".graph-box");
    if (!graph) { return; }
    if (gd.__zqHeights === undefined) {
      gd.__zqHeights = [graph.style.height, box ? box.style.minHeight : ""];
    }
    graph.style.height = height ? height + "px" : gd.__zqHeights[0];
    if (box) { box.style.minHeight = height ? height + "px" : gd.__zqHeights[1]; }
  }

  function adapt(gd, figure) {
    var narrow = NARROW.matches, small = SMALL.matches, touch = TOUCH.matches;
    if (!(small || touch) || !gd.closest || !gd.closest(".overview")) {
      if (gd.__zqHeights !== undefined) { setHeight(gd, null); }
      return figure;
    }
    var fig = {data: clone(figure.data || []), layout: clone(figure.layout || {}), frames: figure.frames,
               config: Object.assign({}, figure.config, {displayModeBar: false})};
    var L = fig.layout;
    if (touch) {
      // a finger on a chart scrolls the page; a tap still hovers and clicks
      L.dragmode = false;
    }
    var height = null;
    if (small) {
      atLeast(L, "font");
      if (!L.font.size) { L.font.size = MIN_PX; }
      L.uniformtext = {minsize: MIN_PX, mode: "hide"};
      fig.data.forEach(function (t) { atLeast(t, "textfont"); });
      Object.keys(L).forEach(function (key) {
        if (/^[xy]axis\d*$/.test(key)) { L[key] = Object.assign({}, L[key]); atLeast(L[key], "tickfont"); }
      });
      (L.annotations || []).forEach(function (a) { atLeast(a, "font"); });
      if (L.legend) { atLeast(L, "legend"); atLeast(L.legend, "font"); }
    }
    if (narrow) {
      if (L.legend && L.legend.orientation === "v") {
        // over the plot it hides data (the map's northern streets): above it instead
        L.legend = Object.assign({}, L.legend, {orientation: "h", x: 0, xanchor: "left", y: 1, yanchor: "bottom",
                                                bgcolor: "rgba(0,0,0,0)"});
      }
      if (wantsSideways(fig.data)) {
        height = sideways(fig, gd);
      } else if (L.showlegend !== false && !L.height) {
        // a legend above the plot takes its room from the plot: a long one (the activities'
        // eleven kinds) gets room of its own rather than a scroll bar over the bars
        var base = parseFloat((gd.__zqHeights || [])[0] || (gd.closest(".dash-graph") || gd).style.height) || 0;
        var need = legendHeight(fig, gd);
        if (base && need > base * 0.3) { height = Math.round(base + need); }
      }
      shortenNames(fig, gd);
      Object.keys(L).forEach(function (key) {
        // upright labels that cannot sit side by side in a narrow subplot may turn
        if (/^xaxis\d*$/.test(key) && L[key].tickangle === 0) { L[key].tickangle = "auto"; }
      });
      if (height) { L.height = height; }
    }
    setHeight(gd, height);
    return fig;
  }

  // By touch a tap is both hover and click: a tap on a site or a bar would filter the page
  // before its label (name, value) could be read. So a tap on a point shows its label, and a
  // second tap on the same point clicks it; points whose name is written beside them (the
  // map's streets) click at once. dcc.Graph listens with gd.on once the first draw is done,
  // which is after the promise returned here.
  function tapToSee(gd) {
    if (gd.__zqTap || typeof gd.on !== "function") { return; }
    var on = gd.on;
    gd.__zqTap = true;
    gd.on = function (name, handler) {
      if (name !== "plotly_click") { return on.apply(this, arguments); }
      return on.call(this, name, function (event) {
        var point = event && event.points && event.points[0];
        if (!TOUCH.matches || !point) { return handler.apply(this, arguments); }
        var trace = point.data || {};
        var key = point.curveNumber + ":" + point.pointNumber;
        var now = Date.now();
        if (String(trace.mode || "").indexOf("text") >= 0) { return handler.apply(this, arguments); }
        if (gd.__zqArmed === key) {
          // one tap reaches plotly twice (the touch and the mouse click the browser makes of it)
          if (now - gd.__zqArmedAt < 500) { return; }
          gd.__zqArmed = null;
          return handler.apply(this, arguments);
        }
        gd.__zqArmed = key;
        gd.__zqArmedAt = now;
      });
    };
  }

  var react = null;
  function wrap() {
    var plotly = window.Plotly;
    if (!plotly || react) { return; }
    react = plotly.react;
    plotly.react = function (gd, figure) {
      if (arguments.length === 2 && figure && figure.data && gd instanceof Element) {
        // after a hover or click dcc.Graph draws the same data again with the layout plotly
        // holds, which is the adjusted one: adjust the layout it came with instead, once more
        var source = gd.__zqFigure;
        if (source && source.data === figure.data) {
          figure = Object.assign({}, figure, {layout: source.layout});
        } else {
          figure = Object.assign({}, figure, {layout: clone(figure.layout)});
        }
        gd.__zqFigure = figure;
        return Promise.resolve(react.call(this, gd, adapt(gd, figure))).then(function (result) {
          tapToSee(gd);
          return result;
        });
      }
      return react.apply(this, arguments);
    };
  }
  // the deferred scripts (plotly among them, after this file) have all run by then, and
  // Dash's renderer draws no graph before it starts
  document.addEventListener("DOMContentLoaded", wrap);

  function redraw() {
    document.querySelectorAll(".overview .js-plotly-plot").forEach(function (gd) {
      if (gd.__zqFigure && react) { react.call(window.Plotly, gd, adapt(gd, gd.__zqFigure)); }
    });
  }
  [NARROW, SMALL, TOUCH].forEach(function (query) {
    if (query.addEventListener) { query.addEventListener("change", redraw); }
  });
})();
