"""Component ids of the big screen (/screen)."""

CANVAS = "screen-canvas"
FILTER = "screen-filter"      # dcc.Store: {"query": canonical query string, "error": message}
VERSION = "screen-version"    # dcc.Store: set by assets/screen.js from /api/version
KPI_DATA = "screen-kpi-data"  # dcc.Store: {key: value}; assets/screen.js counts the numbers up
KPI_SINK = "screen-kpi-sink"
SHOWN = "screen-shown"        # dcc.Store: fingerprints of the figures on the canvas
CLOCK = "screen-clock"
DATE = "screen-date"
UPDATED = "screen-updated"
CONNECTION = "screen-connection"
DEMO = "screen-demo"
SCOPE = "screen-scope"
MESSAGE = "screen-message"
TICKER = "screen-ticker"

def graph(panel_id: str) -> str:
    """The graph that shows a panel on the screen."""
    return f"screen-{panel_id}"


def kpi_delta(key: str) -> str:
    return f"screen-kpi-{key}-delta"
