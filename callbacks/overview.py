"""Callbacks of the staff page: URL ⇄ filters, the change check, and the panels."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, no_update

from callbacks.context import filter_from_state, runtime, service
from callbacks.refresh import poll_version
from dashboard import figures
from dashboard.indicators import FilterError
from dashboard.indicators.panels import branch_options as branch_rows, streets as street_rows
from dashboard.panels import KPIS
from dashboard.query import ALL_BRANCHES, FilterArgs, args_from_controls, canonical, parse_query
from layouts import components as C
from layouts import ids

CONTROL_OUTPUTS = [
    Output(ids.STREET, "value"), Output(ids.BRANCH, "value"), Output(ids.PERIOD, "value"),
    Output(ids.RANGE_START, "value"), Output(ids.RANGE_END, "value"), Output(ids.RANGE_START, "disabled"),
    Output(ids.RANGE_END, "disabled"), Output(ids.AS_OF, "value"),
]


def _controls(args: FilterArgs) -> list:
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    fixed = args.period != "custom"
    return [list(args.streets), args.branch or ALL_BRANCHES, args.period, iso(args.start), iso(args.end), fixed, fixed,
            iso(args.as_of)]


def _clicked_street(click: dict | None) -> str | None:
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    data = point.get("customdata")
    return (data[0] if isinstance(data, list) else data) or None


@callback(
    *CONTROL_OUTPUTS,
    Output(ids.URL, "search"),
    Output(ids.FILTER_STATE, "data"),
    Input(ids.URL, "search"),
    Input(ids.STREET, "value"), Input(ids.BRANCH, "value"), Input(ids.PERIOD, "value"),
    Input(ids.RANGE_START, "value"), Input(ids.RANGE_END, "value"), Input(ids.AS_OF, "value"),
    Input(ids.RESET, "n_clicks"), Input(ids.MAP, "clickData"), Input(ids.SITES_BY_STREET, "clickData"),
    State(ids.FILTER_STATE, "data"),
)
def sync_filters(search, streets, branch, period, start, end, as_of, _reset, map_click, bar_click, state):  # noqa: ANN001
    """One source of truth: the URL. Controls write it; Back/Forward and shared links read it."""
    trigger = ctx.triggered_id
    if trigger in (None, ids.URL):
        try:
            args = url_args(search, strict=True)
        except FilterError as exc:
            return [*_controls(FilterArgs()), no_update, {"query": search or "", "error": str(exc)}]
        canonical = args.to_query()
        new_state = {"query": canonical, "error": None}
        # the page came with this filter already: do not compute its panels twice
        return [*_controls(args), no_update, no_update if state == new_state else new_state]
    if trigger == ids.RESET:
        args = FilterArgs()
    elif trigger in (ids.MAP, ids.SITES_BY_STREET):
        street = _clicked_street(map_click if trigger == ids.MAP else bar_click)
        if street is None:
            return [no_update] * (len(CONTROL_OUTPUTS) + 2)
        current = args_from_controls(streets, branch, period, start, end, as_of)
        args = FilterArgs((street,), None, current.period, current.start, current.end, current.as_of)
    else:
        # a new choice of streets clears the branch: its options follow the streets
        args = args_from_controls(streets, None if trigger == ids.STREET else branch, period, start, end, as_of)
        if args == FilterArgs() and _url_is_wrong(search):
            # blank controls echoing back must not replace a wrong URL (and hide its message)
            return [no_update] * (len(CONTROL_OUTPUTS) + 2)
    query = args.to_query()
    # no new history entry when the controls only echo the URL
    return [*_controls(args), no_update if query == (search or "") else query, {"query": query, "error": None}]


def _url_is_wrong(search: str | None) -> bool:
    try:
        url_args(search, strict=True)
    except FilterError:
        return True
    return False


def url_args(search: str | dict | None, strict: bool = False) -> FilterArgs | None:
    """The URL's filter with street names turned into codes; None (or the error, if strict)
    when it does not parse or names an unknown street."""
    try:
        with service().store.engine.connect() as conn:
            return canonical(conn, parse_query(search))
    except FilterError:
        if strict:
            raise
        return None


@callback(
    Output(ids.VERSION, "data"),
    Input(ids.POLL, "n_intervals"),
    State(ids.VERSION, "data"),
)
def poll(_n, current):  # noqa: ANN001
    return poll_version(current)


@callback(
    Output(ids.STREET, "options"),
    Output(ids.BRANCH, "options"),
    Input(ids.STREET, "value"),
    Input(ids.VERSION, "data"),
)
def filter_options(streets, version):  # noqa: ANN001, ARG001
    return filter_choices(streets)


def filter_choices(streets: list[str] | None) -> tuple[list[dict], list[dict]]:
    """Dropdown options: every street, and the branches of the chosen streets (all if none)."""
    with service().store.engine.connect() as conn:
        all_streets = street_rows(conn)
        codes = tuple(s for s in (streets or ()) if any(r.code == s for r in all_streets))
        branches = branch_rows(conn, codes)
    street_opts = [{"label": s.name, "value": s.code} for s in all_streets]
    branch_opts = [{"label": "全部党组织", "value": ALL_BRANCHES}] + [
        {"label": f"{b.name}({b.kind})", "value": str(b.id)} for b in branches]
    return street_opts, branch_opts


PANEL_OUTPUTS = [
    *[Output(ids.kpi(k.key), "children") for k in KPIS],
    *[Output(ids.kpi_delta(k.key), "children") for k in KPIS],
    *[Output(ids.kpi_delta(k.key), "className") for k in KPIS],
    *[Output(ids.kpi_note(k.key), "children") for k in KPIS],
    Output(ids.MAP, "figure"), Output(ids.SITES_BY_STREET, "figure"), Output(ids.ACTIVITIES_BY_MONTH, "figure"),
    Output(ids.VOLUNTEERS_BY_TEAM, "figure"), Output(ids.MEMBER_STRUCTURE, "figure"), Output(ids.FOUR_IN_ONE, "figure"),
    Output(ids.THREE_MEETINGS, "children"), Output(ids.LATEST_ACTIVITIES, "children"),
    Output(ids.AS_OF_TEXT, "children"), Output(ids.UPDATED_TEXT, "children"), Output(ids.DEMO_MARK, "children"),
    Output(ids.CONNECTION_MARK, "children"), Output(ids.SCOPE_TEXT, "children"), Output(ids.MESSAGE, "children"),
]


@callback(*PANEL_OUTPUTS, Input(ids.FILTER_STATE, "data"), Input(ids.VERSION, "data"))
def render_panels(state, version):  # noqa: ANN001
    """Rebuild every panel, from the cache when neither the filter nor the store changed."""
    if not state or not version:
        return [no_update] * len(PANEL_OUTPUTS)
    if not version.get("ok", True) and ctx.triggered_id == ids.VERSION:
        # store unreachable: keep the last good panels, show the mark only
        return [no_update] * (len(PANEL_OUTPUTS) - 3) + [C.connection_mark(False), no_update, no_update]
    svc, rt = service(), runtime()
    view = overview_view(svc, state, version, rt.settings.map_tiles)
    return view


def overview_view(svc, state: dict, version: dict, tiles: str | None) -> list:  # noqa: ANN001
    """All panel outputs for a filter state, in PANEL_OUTPUTS order."""
    n = len(KPIS)
    f, error = filter_from_state(svc, state)
    demo = C.demo_mark(svc.store.demo_info() is not None)
    updated = C.updated_text(C.parse_changed_at(version.get("changed_at")))
    if f is None:
        empty = figures.empty()
        return ([C.MISSING] * n + [""] * n + ["kpi-delta"] * n + [""] * n + [empty] * 6
                + [C.empty_note(), C.empty_note(), "", updated, demo, C.connection_mark(True), "",
                   dbc.Alert(f"筛选条件有误:{error}。已显示空白结果,请修改或重置筛选。", color="warning",
                             className="mb-3")])
    v = version["version"]
    k = svc.get("kpis", f, v)
    values, deltas, classes, notes = [], [], [], []
    for kpi in KPIS:
        now, ago = getattr(k.now, kpi.key), getattr(k.year_ago, kpi.key)
        text, cls = C.delta(now, ago)
        values.append(C.number(now))
        deltas.append(text)
        classes.append(cls)
        notes.append(C.kpi_note(kpi.key, k))
    street_list = svc.streets(v)
    names = {s.code: s.name for s in street_list}
    figs = [figures.chart(panel_id, svc, f, v, tiles=tiles) for panel_id in figures.CHART_IDS]
    return [
        *values, *deltas, *classes, *notes, *figs,
        C.three_meetings_table(svc.get("three_meetings", f, v), names),
        C.latest_activities_list(svc.get("latest_activities", f, v)),
        f"截至 {f.as_of:%Y年%-m月%-d日}", updated, demo, C.connection_mark(True),
        C.scope_text(f, names), "",
    ]
