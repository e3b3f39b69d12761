// Numbers before scripts: the first response carries the page as HTML (#ssr-page, drawn by
// layouts/static_html.py) while the live page renders out of sight in #react-entry-point.
// Once the live page shows the same content (data-ready names an element of it), the copy is
// removed and the live page stands in its place: same tags, same classes, same pixels.
(function () {
  var copy = document.getElementById("ssr-page");
  var live = document.getElementById("react-entry-point");
  if (!copy || !live) return;
  var ready = copy.getAttribute("data-ready");
  function swap() {
    if (!live.querySelector(ready)) return false;
    var y = window.scrollY;
    copy.remove();
    window.scrollTo(0, y);
    return true;
  }
  if (swap()) return;
  var watch = new MutationObserver(function () { if (swap()) watch.disconnect(); });
  watch.observe(live, {childList: true, subtree: true});
})();
