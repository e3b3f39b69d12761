/* Blocks of HTML built (and escaped) by the server, such as the 三会一课 table: the element
   carries the markup in its data-html-block attribute and this fills it in. A table of a few
   hundred branches as Dash components takes the renderer seconds; through dcc.Markdown it
   costs two extra bundles (markdown and highlight.js, ~120 KB) and a Markdown parse. */
(function () {
  var ATTR = "data-html-block";

  function fill(el) {
    var html = el.getAttribute(ATTR);
    if (el.__zqHtml !== html) {
      el.__zqHtml = html;
      el.innerHTML = html;
    }
  }

  function scan(node) {
    if (!(node instanceof HTMLElement)) return;
    if (node.hasAttribute(ATTR)) fill(node);
    var inner = node.querySelectorAll("[" + ATTR + "]");
    for (var i = 0; i < inner.length; i++) fill(inner[i]);
  }

  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if (r.type === "attributes") fill(r.target);
      else for (var j = 0; j < r.addedNodes.length; j++) scan(r.addedNodes[j]);
    }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, attributeFilter: [ATTR]});
})();
