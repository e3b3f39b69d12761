/* A table panel's "只看" select: the box's class names the group shown alone; dashboard.css
   hides the other rows, so a table that is refreshed keeps the choice. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  groups: {
    show: function (key) {
      return key && key !== "all" ? "group-only group-only-" + key : "";
    }
  }
});
