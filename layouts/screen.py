"""大屏 (``/screen``): a 1920×1080 canvas, scaled to the window by assets/screen.js.

No controls: the filter comes from the URL (``/screen?street=370114001000``), ``rotate=N``
sets how many seconds each side panel shows (0: no rotation).
"""
from __future__ import annotations

import datetime as dt

from dash import dcc, html

from dashboard import catalogue
from dashboard.catalogue import Panel
from dashboard.indicators.filters import FilterError
from dashboard.query import FilterArgs, parse_query
from dashboard.wording import BUREAU
from layouts import ids
from layouts import screen_ids as screen_id

# Where the screen shows its panels: two rotating side slots and the centre. A panel for the
# screen that is not placed here joins the right-hand rotation.
LEFT = ("four-in-one", "three-meetings-status", "attention-counts", "reach-gaps")
CENTRE = "map"
RIGHT = ("activities-by-month", "volunteers-by-team", "volunteer-service", "volunteer-teams-ranked", "reach-by-street")

WEEKDAYS = "一二三四五六日"
SIZES = {"side": (560, 600), "map": (720, 600)}
DEFAULT_ROTATE = 20


def rotate_seconds(raw) -> int:
    try:
        return max(0, min(3600, int(raw)))
    except (TypeError, ValueError):
        return DEFAULT_ROTATE


def _graph(graph_id: str, size: tuple[int, int]) -> dcc.Graph:
    width, height = size
    return dcc.Graph(id=graph_id, config={"displayModeBar": False, "staticPlot": True, "responsive": False},
                     style={"width": f"{width}px", "height": f"{height}px"})


def _panel(p: Panel, size: tuple[int, int]) -> html.Section:
    section_id = f"screen-panel-{p.id}"
    return html.Section([html.H2(p.title, className="screen-panel-title", id=f"{section_id}-title"),
                         _graph(screen_id.graph(p.id), size)],
                        className="screen-panel", id=section_id, **{"aria-labelledby": f"{section_id}-title"})


def slots() -> tuple[list[Panel], Panel, list[Panel]]:
    """(left rotation, centre, right rotation): the placed panels, then any other screen panel on the right."""
    charts = [p for p in catalogue.on("screen") if p.kind != "number"]
    placed = {*LEFT, CENTRE, *RIGHT}
    right = [catalogue.panel(pid) for pid in RIGHT] + [p for p in charts if p.id not in placed]
    return [catalogue.panel(pid) for pid in LEFT], catalogue.panel(CENTRE), right


def _rotating(slot: str, panels: list[html.Section]) -> html.Div:
    """Panels stacked in one place; assets/screen.js shows one at a time (no DOM is added or removed)."""
    for i, p in enumerate(panels):
        p.className += " rotating" + (" active" if i == 0 else "")
    return html.Div(panels, className="rotator", id=f"screen-slot-{slot}")


def kpi_tile(p: Panel) -> html.Div:
    return html.Div([
        html.Div(p.title, className="screen-kpi-title"),
        html.Div([html.Span("—", id=ids.kpi(p.key), className="screen-kpi-value", **{"data-value": ""}),
                  html.Span(p.unit, className="screen-kpi-unit")]),
        html.Div(id=screen_id.kpi_delta(p.key), className="screen-kpi-delta"),
    ], className="screen-kpi")


def layout(refresh_seconds: int = 10, **query) -> html.Div:
    rotate = rotate_seconds(query.pop("rotate", DEFAULT_ROTATE))
    try:
        args = parse_query(query)
        state = {"query": args.to_query(), "error": None}
    except FilterError as exc:
        args, state = FilterArgs(), {"query": "", "error": str(exc)}
    today = dt.date.today()
    side = SIZES["side"]
    left, centre, right = slots()
    return html.Div([
        dcc.Store(id=screen_id.FILTER, data=state),
        dcc.Store(id=screen_id.VERSION),
        dcc.Store(id=screen_id.KPI_DATA),
        dcc.Store(id=screen_id.KPI_SINK),
        dcc.Store(id=screen_id.SHOWN),
        html.Div([
            html.Header([
                html.H1([html.Span(BUREAU), html.Span("党建工作大屏", className="screen-subtitle")]),
                html.Div(id=screen_id.SCOPE, className="screen-scope"),
                html.Div([
                    html.Span(id=screen_id.DEMO),
                    html.Span("连接中断", id=screen_id.CONNECTION, className="screen-connection", hidden=True,
                              title="暂时无法连接服务器,显示的是最近一次的数据"),
                    html.Span(f"{today:%Y年%-m月%-d日} 星期{WEEKDAYS[today.weekday()]}", id=screen_id.DATE),
                    html.Span(id=screen_id.CLOCK, className="screen-clock"),
                ], className="screen-meta"),
            ], className="screen-header"),
            html.Div(id=screen_id.MESSAGE, className="screen-message", role="status"),
            html.Section([kpi_tile(p) for p in catalogue.on("screen") if p.kind == "number"],
                         className="screen-kpis", **{"aria-label": "主要指标"}),
            html.Div([
                _rotating("left", [_panel(p, side) for p in left]),
                _panel(centre, SIZES["map"]),
                _rotating("right", [_panel(p, side) for p in right]),
            ], className="screen-body"),
            html.Footer([
                html.Div(html.Div(id=screen_id.TICKER, className="ticker-track"), className="ticker",
                         **{"aria-label": "需关注事项、最新活动与荣誉"}),
                html.Div(id=screen_id.UPDATED, className="screen-updated"),
            ], className="screen-footer"),
        ], id=screen_id.CANVAS, className="screen-canvas",
            **{"data-refresh": str(refresh_seconds), "data-rotate": str(rotate)}),
    ], className="screen-stage")
