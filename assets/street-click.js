/* A click on a panel that filters the page by street (a bar or a site whose first customdata is a
   street code) chooses that street alone; the filter callback then does the rest. In the browser,
   so that a click costs no round trip of its own. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  streetClick: {
    choose: function (click) {
      const point = click && click.points && click.points[0];
      const data = point && point.customdata;
      const street = Array.isArray(data) ? data[0] : data;
      return street ? [street] : window.dash_clientside.no_update;
    }
  }
});
