"""大屏 (``/screen``): a 1920×1080 canvas, scaled to the window by assets/screen.js.

No controls: the filter comes from the URL (``/screen?street=370114001000``), ``rotate=N``
sets how many seconds each side panel shows (0: no rotation).
"""
from __future__ import annotations

import datetime as dt

from dash import dcc, html

from dashboard.indicators.filters import FilterError
from dashboard.panels import KPIS
from dashboard.query import FilterArgs, parse_query
from layouts import ids
from layouts import screen_ids as S
from layouts.components import BUREAU

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


def _panel(title: str, body, panel_id: str) -> html.Section:
    return html.Section([html.H2(title, className="screen-panel-title", id=f"{panel_id}-title"), body],
                        className="screen-panel", id=panel_id, **{"aria-labelledby": f"{panel_id}-title"})


def _rotating(slot: str, panels: list[html.Section]) -> html.Div:
    """Panels stacked in one place; assets/screen.js shows one at a time (no DOM is added or removed)."""
    for i, p in enumerate(panels):
        p.className += " rotating" + (" active" if i == 0 else "")
    return html.Div(panels, className="rotator", id=f"screen-slot-{slot}")


def kpi_tile(key: str, title: str, unit: str) -> html.Div:
    return html.Div([
        html.Div(title, className="screen-kpi-title"),
        html.Div([html.Span("—", id=ids.kpi(key), className="screen-kpi-value", **{"data-value": ""}),
                  html.Span(unit, className="screen-kpi-unit")]),
        html.Div(id=S.kpi_delta(key), className="screen-kpi-delta"),
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
    return html.Div([
        dcc.Store(id=S.FILTER, data=state),
        dcc.Store(id=S.VERSION),
        dcc.Store(id=S.KPI_DATA),
        dcc.Store(id=S.KPI_SINK),
        dcc.Store(id=S.SHOWN),
        html.Div([
            html.Header([
                html.H1([html.Span(BUREAU), html.Span("党建工作大屏", className="screen-subtitle")]),
                html.Div(id=S.SCOPE, className="screen-scope"),
                html.Div([
                    html.Span(id=S.DEMO),
                    html.Span("连接中断", id=S.CONNECTION, className="screen-connection", hidden=True,
                              title="暂时无法连接服务器,显示的是最近一次的数据"),
                    html.Span(f"{today:%Y年%-m月%-d日} 星期{WEEKDAYS[today.weekday()]}", id=S.DATE),
                    html.Span(id=S.CLOCK, className="screen-clock"),
                ], className="screen-meta"),
            ], className="screen-header"),
            html.Div(id=S.MESSAGE, className="screen-message", role="status"),
            html.Section([kpi_tile(k.key, k.title, k.unit) for k in KPIS], className="screen-kpis",
                         **{"aria-label": "主要指标"}),
            html.Div([
                _rotating("left", [
                    _panel("“四位一体”覆盖", _graph(S.FOUR_IN_ONE, side), "screen-panel-four-in-one"),
                    _panel("“三会一课”落实情况", _graph(S.MEETINGS, side), "screen-panel-meetings"),
                ]),
                _panel("阵地分布", _graph(S.MAP, SIZES["map"]), "screen-panel-map"),
                _rotating("right", [
                    _panel("各月活动场次", _graph(S.ACTIVITIES, side), "screen-panel-activities"),
                    _panel("志愿服务队伍人数", _graph(S.VOLUNTEERS, side), "screen-panel-volunteers"),
                ]),
            ], className="screen-body"),
            html.Footer([
                html.Div(html.Div(id=S.TICKER, className="ticker-track"), className="ticker",
                         **{"aria-label": "最新活动与荣誉"}),
                html.Div(id=S.UPDATED, className="screen-updated"),
            ], className="screen-footer"),
        ], id=S.CANVAS, className="screen-canvas",
            **{"data-refresh": str(refresh_seconds), "data-rotate": str(rotate)}),
    ], className="screen-stage")
