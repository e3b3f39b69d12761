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
    set("link", function (el) {
      el.setAttribute("href", "/admin/links/new?target=" + encodeURIComponent(panel) +
        "&query=" + encodeURIComponent(query));
    });
  }

  // one menu open at a time, as with a popover
  function closeAllBut(keep) {
    document.querySelectorAll("details.panel-menu-wrap[open]").forEach(function (menu) {
      if (menu !== keep) { menu.open = false; }
    });
  }

  function legacyCopy(text) {
    var focused = document.activeElement;
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
    // select() took the focus: give it back, so that keyboard users keep their place
    if (focused && focused.focus) { focused.focus(); }
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copyText(text) {
    // the Clipboard API exists only on https and localhost, and may be refused; an intranet
    // server on plain http gets the older execCommand route
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text); });
    }
    return legacyCopy(text);
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    var menu = button.closest(".panel-menu");
    if (!source || !menu) { return; }
    var word = button.querySelector(".menu-copy-text");
    var status = menu.querySelector("[role=status]");
    var name = button.querySelector(".visually-hidden").textContent;
    var show = function (text, announce, ms) {
      word.textContent = text;
      status.textContent = announce;
      clearTimeout(button.__zqReset);
      button.__zqReset = setTimeout(function () { word.textContent = "复制"; status.textContent = ""; }, ms);
    };
    copyText(source.textContent).then(function () {
      show("已复制", "已复制" + name, 1500);
    }, function () {
      // the text is selected instead, for Ctrl+C
      window.getSelection().selectAllChildren(source);
      show("复制失败", "复制失败:" + name + "已选中,请按 Ctrl+C 复制", 6000);
    });
  });

  // filled as the summary is clicked (Enter and Space click it too), before the menu opens:
  // the toggle event comes a task later, after the empty menu could already be read
  // A click elsewhere closes an open menu, as a popover would; Escape closes it and puts the
  // focus back on its button.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var summary = target && target.closest("details.panel-menu-wrap > summary");
    if (summary && !summary.parentNode.open) { fill(summary.parentNode); }
    closeAllBut(target && target.closest("details.panel-menu-wrap"));
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var menu = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("details.panel-menu-wrap[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });

  // toggle does not bubble: listen in the capture phase
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.open && menu.classList && menu.classList.contains("panel-menu-wrap")) {
      fill(menu);
      closeAllBut(menu);
    }
  }, true);
})();
