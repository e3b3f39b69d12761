/* 嵌入/导出 menus (<details data-panel data-title>): when one opens, its embed link, <iframe>
   code and image links are written from the page's current URL, so they follow every filter
   change without a callback. */
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
