/* 嵌入/导出 menus (<details data-panel data-title>): when one opens, its embed link, <iframe>
   code and image links are written from the page's current URL, so they follow every filter
   change without a callback. Its 复制 buttons (data-copy: the id of the text) copy them. */
(function () {
  function fill(menu) {
    var panel = menu.getAttribute("data-panel");
    var title = menu.getAttribute("data-title") || "";
    var query = window.location.search;
    var embed = window.location.origin + "/embed/" + panel + query;
    var set = function (suffix, apply) {
      var el = document.getElementById("menu-" + panel + "-" + suffix);
      if (el) { apply(el); }
    };
    set("url", function (el) { el.textContent = embed; });
    set("code", function (el) {
      el.textContent = '<iframe src="' + embed + '" title="' + title.replace(/"/g, "&quot;") +
        '" width="800" height="480" style="border:0"></iframe>';
    });
    set("png", function (el) { el.setAttribute("href", "/export/" + panel + ".png" + query); });
    set("svg", function (el) { el.setAttribute("href", "/export/" + panel + ".svg" + query); });
  }

  function copyText(text) {
    // the Clipboard API exists only on https and localhost; an intranet server on plain
    // http gets the older execCommand route, from a selected off-screen textarea
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var done = function (text) {
      button.textContent = text;
      setTimeout(function () { button.textContent = "复制"; }, 1500);
    };
    copyText(source.textContent).then(function () { done("已复制"); }, function () { done("复制失败,请手动选择"); });
  });

  // filled as the summary is clicked (Enter and Space click it too), before the menu opens:
  // the toggle event comes a task later, after the empty menu could already be read
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("details.panel-menu-wrap > summary");
    if (summary && !summary.parentNode.open) { fill(summary.parentNode); }
  }, true);

  // toggle does not bubble: listen in the capture phase
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.open && menu.classList && menu.classList.contains("panel-menu-wrap")) {
      fill(menu);
      // one menu open at a time, as with a popover
      document.querySelectorAll("details.panel-menu-wrap[open]").forEach(function (other) {
        if (other !== menu) { other.open = false; }
      });
    }
  }, true);
})();
