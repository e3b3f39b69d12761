"""``/embed/<panel-id>?…filters…``: one panel alone, sized to its frame, with a caption; live."""
from __future__ import annotations

from dash import dcc, html

from dashboard.catalogue import on
from dashboard.indicators.filters import FilterError
from dashboard.query import parse_query
from layouts.components import GRAPH_CONFIG

BODY = "embed-content"
GRAPH = "embed-graph"
CAPTION = "embed-caption"
STATE = "embed-state"
VERSION = "embed-version"
POLL = "embed-poll"
TITLE = "embed-title"


def layout(panel_id: str, refresh_seconds: int = 10, **query) -> html.Div:
    panel = next((p for p in on("embed") if p.id == panel_id), None)
    if panel is None:
        known = "、".join(p.id for p in on("embed"))
        return html.Main([html.H1("没有这个面板", className="embed-title"),
                          html.P(f"面板“{panel_id}”不存在。可用的面板:{known}")], className="embed embed-error",
                         role="alert")
    try:
        state = {"panel": panel_id, "query": parse_query(query).to_query(), "error": None}
    except FilterError as exc:
        state = {"panel": panel_id, "query": "", "error": str(exc)}
    is_chart = panel.kind in ("chart", "map")
    return html.Main([
        dcc.Store(id=STATE, data=state),
        dcc.Store(id=VERSION),
        dcc.Interval(id=POLL, interval=refresh_seconds * 1000),
        html.H1(panel.title, id=TITLE, className="embed-title"),
        dcc.Graph(id=GRAPH, config={**GRAPH_CONFIG, "displayModeBar": False}, className="embed-graph",
                  style={} if is_chart else {"display": "none"}),
        html.Div(id=BODY, className="embed-body", style={"display": "none"} if is_chart else {}),
        html.P(id=CAPTION, className="embed-caption"),
    ], className=f"embed embed-{panel.kind}")
