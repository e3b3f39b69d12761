"""The staff page's one callback: URL ⇄ filters, the change check and the panels, in a single
round trip. The page arrives with its panels filled in (see :func:`overview_content`), so
nothing runs on load; a filter change or a new store version costs one request."""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, no_update

from callbacks.context import filter_from_state, runtime, service
from callbacks.refresh import poll_version
from dashboard import figures
from dashboard.indicators import FilterError
from dashboard.indicators.panels import branch_options as branch_rows
from dashboard.indicators.panels import streets as street_rows
from dashboard.panels import KPIS
from dashboard.query import ALL_BRANCHES, FilterArgs, args_from_controls, canonical, parse_query
from layouts import components as C
from layouts import ids

CONTROL_OUTPUTS = [
    Output(ids.STREET, "value"), Output(ids.BRANCH, "value"), Output(ids.PERIOD, "value"),
    Output(ids.RANGE_START, "value"), Output(ids.RANGE_END, "value"), Output(ids.RANGE_START, "disabled"),
    Output(ids.RANGE_END, "disabled"), Output(ids.AS_OF, "value"),
]
OPTION_OUTPUTS = [Output(ids.STREET, "options"), Output(ids.BRANCH, "options")]
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
OUTPUTS = [*CONTROL_OUTPUTS, Output(ids.URL, "search"), Output(ids.FILTER_STATE, "data"), *OPTION_OUTPUTS,
           *PANEL_OUTPUTS]


@dataclass(frozen=True)
class Step:
    """What a trigger asks for: the controls to show, the URL to push (None: leave it) and
    the filter state ({"query", "error"}) the panels are computed from."""
    controls: list
    url: str | None
    state: dict


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


def next_step(trigger, search, controls: list, map_click, bar_click) -> Step | None:
    """One source of truth, the URL: controls and clicks write it; Back/Forward and shared
    links read it. None when the trigger changes nothing."""
    if trigger == ids.URL:
        try:
            args = url_args(search, strict=True)
        except FilterError as exc:
            return Step(_controls(FilterArgs()), None, {"query": search or "", "error": str(exc)})
        return Step(_controls(args), None, {"query": args.to_query(), "error": None})
    streets, branch, period, start, end, as_of = controls
    if trigger == ids.RESET:
        args = FilterArgs()
    elif trigger in (ids.MAP, ids.SITES_BY_STREET):
        street = _clicked_street(map_click if trigger == ids.MAP else bar_click)
        if street is None:
            return None
        current = args_from_controls(streets, branch, period, start, end, as_of)
        args = FilterArgs((street,), None, current.period, current.start, current.end, current.as_of)
    else:
        # a new choice of streets clears the branch: its options follow the streets
        args = args_from_controls(streets, None if trigger == ids.STREET else branch, period, start, end, as_of)
        if args == FilterArgs() and _url_is_wrong(search):
            # blank controls must not replace a wrong URL (and hide its message)
            return None
    query = args.to_query()
    # no new history entry when the controls only repeat the URL
    return Step(_controls(args), None if query == (search or "") else query, {"query": query, "error": None})


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


def _streets_of(state: dict | None) -> tuple[str, ...] | None:
    if not state or state.get("error"):
        return None
    return parse_query(state.get("query")).streets


@callback(
    *OUTPUTS,
    Input(ids.URL, "search"),
    Input(ids.STREET, "value"), Input(ids.BRANCH, "value"), Input(ids.PERIOD, "value"),
    Input(ids.RANGE_START, "value"), Input(ids.RANGE_END, "value"), Input(ids.AS_OF, "value"),
    Input(ids.RESET, "n_clicks"), Input(ids.MAP, "clickData"), Input(ids.SITES_BY_STREET, "clickData"),
    Input(ids.VERSION, "data"),
    State(ids.FILTER_STATE, "data"),
    prevent_initial_call=True,
)
def apply_filter(search, streets, branch, period, start, end, as_of, _reset, map_click, bar_click, version, state):
    """Every output of the page in one response; ``no_update`` wherever nothing changed."""
    keep = lambda outputs: [no_update] * len(outputs)  # noqa: E731
    trigger = ctx.triggered_id
    if trigger == ids.VERSION:
        if not version or not state:
            return keep(OUTPUTS)
        if not version.get("ok", True):
            # store unreachable: keep the last good panels, show the mark only
            panels = keep(PANEL_OUTPUTS)
            panels[PANEL_OUTPUTS.index(Output(ids.CONNECTION_MARK, "children"))] = C.connection_mark(False)
            return [*keep(OUTPUTS[: -len(PANEL_OUTPUTS)]), *panels]
        # new data: the same filter's panels, and options that may have gained a branch
        return [*keep(CONTROL_OUTPUTS), no_update, no_update, *filter_choices(_streets_of(state) or []),
                *overview_view(service(), state, version, runtime().settings.map_tiles)]
    current = [streets, branch, period, start, end, as_of]
    step = next_step(trigger, search, current, map_click, bar_click)
    if step is None:
        return keep(OUTPUTS)
    url = no_update if step.url is None else step.url
    controls = changed_controls(step.controls, current)
    if step.state == state:
        return [*controls, url, *keep(OUTPUTS[len(CONTROL_OUTPUTS) + 1:])]
    new_streets = _streets_of(step.state)
    # the streets stay the same until the store changes; the branches follow the chosen streets
    options = (keep(OPTION_OUTPUTS) if new_streets is not None and new_streets == _streets_of(state)
               else [no_update, filter_choices(new_streets or [])[1]])
    return [*controls, url, step.state, *options,
            *overview_view(service(), step.state, version, runtime().settings.map_tiles)]


def changed_controls(controls: list, current: list) -> list:
    """The control outputs, with ``no_update`` where the browser already shows that value: each
    prop sent back costs the renderer a re-render of its component. ``controls`` is in
    CONTROL_OUTPUTS order; ``current`` holds the controls' values as the callback received them
    (streets, branch, period, start, end, as-of). The range fields' ``disabled`` follows the
    period, so it changes only with it."""
    streets, branch, period, start, end, disabled_start, disabled_end, as_of = controls
    now_streets, now_branch, now_period, now_start, now_end, now_as_of = current
    same = lambda new, old: no_update if new == old else new  # noqa: E731
    period_same = period == now_period
    return [same(streets, list(now_streets or [])), same(branch, now_branch), same(period, now_period),
            same(start, now_start), same(end, now_end), no_update if period_same else disabled_start,
            no_update if period_same else disabled_end, same(as_of, now_as_of)]


@callback(Output(ids.VERSION, "data"), Input(ids.POLL, "n_intervals"), State(ids.VERSION, "data"),
          prevent_initial_call=True)
def poll(_n, current):
    return poll_version(current)


def filter_choices(streets: list[str] | tuple[str, ...]) -> tuple[list[dict], list[dict]]:
    """The controls' options: every street, and the branches of the chosen streets (all if none)."""
    with service().store.engine.connect() as conn:
        all_streets = street_rows(conn)
        codes = tuple(s for s in (streets or ()) if any(r.code == s for r in all_streets))
        branches = branch_rows(conn, codes)
    street_opts = [{"label": s.name, "value": s.code} for s in all_streets]
    branch_opts = [{"label": "全部党组织", "value": ALL_BRANCHES}] + [
        {"label": f"{b.name}({b.kind})", "value": str(b.id)} for b in branches]
    return street_opts, branch_opts


def overview_view(svc, state: dict, version: dict | None, tiles: str | None) -> list:
    """All panel outputs for a filter state, in PANEL_OUTPUTS order."""
    n = len(KPIS)
    if not version:
        return [no_update] * len(PANEL_OUTPUTS)
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


def overview_content(search: str | None, version: dict | None) -> dict:
    """What the page's layout is filled with on arrival, so that nothing waits for a callback:
    the filter state, the controls' options and each panel's value keyed by (component id,
    property)."""
    try:
        args = url_args(search, strict=True)
        state = {"query": args.to_query(), "error": None}
    except FilterError as exc:
        # controls start blank; the message says what is wrong with the URL
        args, state = FilterArgs(), {"query": search or "", "error": str(exc)}
    streets, branches = filter_choices(args.streets)
    view = overview_view(service(), state, version, runtime().settings.map_tiles)
    values = {(o.component_id, o.component_property): v for o, v in zip(PANEL_OUTPUTS, view) if v is not no_update}
    return {"args": args, "state": state, "version": version, "street_options": streets, "branch_options": branches,
            "values": values}
