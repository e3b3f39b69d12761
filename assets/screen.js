/* 大屏 behaviour: fit the 1920×1080 canvas to the window, run the clock, rotate the side
   panels, poll /api/version and count KPI numbers up. Every timer is made once per page. */
(function () {
  "use strict";
  var W = 1920, H = 1080;

  function canvas() { return document.getElementById("screen-canvas"); }

  function fit() {
    var c = canvas();
    if (!c) { return; }
    var s = Math.min(window.innerWidth / W, window.innerHeight / H);
    c.style.transform = "translate(-50%, -50%) scale(" + s + ")";
  }

  function pad(n) { return n < 10 ? "0" + n : "" + n; }

  function tick() {
    var el = document.getElementById("screen-clock");
    if (el) {
      var d = new Date();
      el.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
    }
  }

  var rotation = 0;
  function rotate() {
    rotation += 1;
    ["screen-slot-left", "screen-slot-right"].forEach(function (id) {
      var slot = document.getElementById(id);
      if (!slot) { return; }
      var panels = slot.querySelectorAll(".rotating");
      panels.forEach(function (p, i) { p.classList.toggle("active", i === rotation % panels.length); });
    });
  }

  var last = null;
  function setConnection(ok) {
    var mark = document.getElementById("screen-connection");
    if (mark) { mark.hidden = ok; }
  }

  function poll() {
    // a screen that runs for days would otherwise keep a timing entry per request until the
    // browser's buffer is full; nothing on the screen reads them
    if (performance.clearResourceTimings) { performance.clearResourceTimings(); }
    fetch("/api/version", {cache: "no-store"}).then(function (r) {
      if (!r.ok) { throw new Error("store " + r.status); }
      return r.json();
    }).then(function (v) {
      setConnection(true);
      var changed = !last || last.version !== v.version || last.ok === false;
      last = v;
      if (changed && window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("screen-version", {data: v});
      }
    }).catch(function () {
      // keep the last good data on the canvas; mark the loss and try again next interval
      setConnection(false);
      if (last) { last = Object.assign({}, last, {ok: false}); }
    });
  }

  function start() {
    var c = canvas();
    if (!c || window.__zqScreenStarted) { return false; }
    window.__zqScreenStarted = true;
    fit();
    window.addEventListener("resize", fit);
    tick();
    setInterval(tick, 1000);
    var rotateSeconds = parseInt(c.getAttribute("data-rotate"), 10) || 0;
    if (rotateSeconds > 0) { setInterval(rotate, rotateSeconds * 1000); }
    var refresh = parseInt(c.getAttribute("data-refresh"), 10) || 10;
    poll();
    setInterval(poll, refresh * 1000);
    return true;
  }

  // the canvas arrives with the page's layout, after this script has run
  if (window.location.pathname.replace(/\/$/, "") === "/screen") {
    var waiting = setInterval(function () { if (start() || window.__zqScreenStarted) { clearInterval(waiting); } }, 100);
  }

  function fmt(n) { return Math.round(n).toLocaleString("en-US"); }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    screen: {
      /* animate each KPI from the number it shows to its new value; returns nothing to store */
      countUp: function (data) {
        if (!data) { return window.dash_clientside.no_update; }
        var started = null, duration = 1200, items = [];
        Object.keys(data).forEach(function (key) {
          var el = document.getElementById("kpi-" + key);
          if (!el) { return; }
          var from = parseInt((el.getAttribute("data-value") || "0"), 10) || 0;
          var to = data[key];
          el.setAttribute("data-value", String(to));
          if (from === to && el.textContent !== "—") { return; }
          items.push({el: el, from: from, to: to});
        });
        function frame(t) {
          if (started === null) { started = t; }
          var k = Math.min(1, (t - started) / duration);
          var ease = 1 - Math.pow(1 - k, 3);
          items.forEach(function (it) { it.el.textContent = fmt(it.from + (it.to - it.from) * ease); });
          if (k < 1) { window.requestAnimationFrame(frame); }
        }
        if (items.length) { window.requestAnimationFrame(frame); }
        return window.dash_clientside.no_update;
      }
    }
  });
})();
