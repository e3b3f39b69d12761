"""The staff page's one callback: URL ⇄ filters, the change check and the panels, in a single
round trip. Each section of the page (``dashboard.catalogue.SECTIONS``: 概况, 四就近, …) is a page
of its own with the same header and filters; the panels' components have pattern-matching ids
(``layouts.ids.slot``), so the callback fills, and computes, only the panels the page has. The
page arrives with everything filled in (see :func:`overview_content`), so nothing runs on load.
Outputs are keyed by name; the panels' values by their slot keys (:mod:`layouts.panel_views`)."""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from callbacks.context import Callbacks, filter_from_state, may_see_names, principal, refusal, runtime, service
from callbacks.refresh import poll_version, status_marks
from dashboard import catalogue, views, wording
from dashboard.access import STAFF, narrow
from dashboard.indicators import FilterError
from dashboard.indicators.breakdowns import branch_options as branch_rows
from dashboard.indicators.breakdowns import streets as street_rows
from dashboard.query import ALL_BRANCHES, FilterArgs, args_from_controls, canonical, parse_query
from dashboard.records import DrillError, panel_href
from layouts import components, ids, panel_views
from layouts.overview import section_href, tab_query

callbacks = Callbacks()

PANELS = catalogue.on("overview")

for _grouped in (p for p in PANELS if p.groups):
    callbacks.clientside(ClientsideFunction("groups", "show"), Output(ids.group_box(_grouped.id), "className"),
                         Input(ids.group_filter(_grouped.id), "value"))
# a click on a panel that filters by street chooses the street in the browser (assets/street-click.js);
# each such panel has its own callback, as only one section's panels are on a page
for _clicking in (p for p in PANELS if p.click_filters_street):
    callbacks.clientside(ClientsideFunction("streetClick", "choose"),
                         Output(ids.STREET, "value", allow_duplicate=True),
                         Input(panel_views.slots(_clicking)[_clicking.id][0], "clickData"), prevent_initial_call=True)

CONTROL_OUTPUTS = {
    "streets": Output(ids.STREET, "value"), "branch": Output(ids.BRANCH, "value"),
    "period": Output(ids.PERIOD, "value"), "start": Output(ids.RANGE_START, "value"),
    "end": Output(ids.RANGE_END, "value"), "start_fixed": Output(ids.RANGE_START, "disabled"),
    "end_fixed": Output(ids.RANGE_END, "disabled"), "as_of": Output(ids.AS_OF, "value"),
}
OPTION_OUTPUTS = {"street_options": Output(ids.STREET, "options"), "branch_options": Output(ids.BRANCH, "options")}
HEADER_OUTPUTS = {
    "as_of_text": Output(ids.AS_OF_TEXT, "children"), "updated": Output(ids.UPDATED_TEXT, "children"),
    "demo": Output(ids.DEMO_MARK, "children"), "connection": Output(ids.CONNECTION_MARK, "children"),
    "scope": Output(ids.SCOPE_TEXT, "children"), "message": Output(ids.MESSAGE, "children"),
    "summary": Output(ids.FILTER_SUMMARY, "children"),
}
TAB_OUTPUTS = {f"tab:{s.id}": Output(ids.section_tab(s.id), "href") for s in catalogue.SECTIONS}
# each a list: one value for each component of that kind of slot on the page
SLOT_OUTPUTS = {f"slots:{kind}:{prop}": Output(ids.slot(ALL, ALL, kind), prop) for kind, prop in ids.SLOT_PROPS}
OUTPUTS = {**CONTROL_OUTPUTS, "url": Output(ids.URL, "search"), "state": Output(ids.FILTER_STATE, "data"),
           **OPTION_OUTPUTS, **HEADER_OUTPUTS, **TAB_OUTPUTS, **SLOT_OUTPUTS}


def keep(outputs: dict) -> dict:
    return dict.fromkeys(outputs, no_update)


@dataclass(frozen=True)
class Step:
    """What a trigger asks for: the controls to show, the URL to push (None: leave it) and
    the filter state ({"query", "error"}) the panels are computed from."""
    controls: list
    url: str | None
    state: dict


def _controls(args: FilterArgs) -> dict:
    """The controls' values for a filter, by CONTROL_OUTPUTS key."""
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    fixed = args.period != "custom"
    return {"streets": list(args.streets), "branch": args.branch or ALL_BRANCHES, "period": args.period,
            "start": iso(args.start), "end": iso(args.end), "start_fixed": fixed, "end_fixed": fixed,
            "as_of": iso(args.as_of)}


def next_step(trigger, search, controls: list) -> Step | None:
    """One source of truth, the URL: controls (and clicks on a street, which set the street
    control) write it; Back/Forward and shared links read it. None when the trigger changes nothing."""
    if trigger == ids.URL:
        try:
            args = url_args(search, strict=True)
        except FilterError as exc:
            return Step(_controls(FilterArgs()), None, {"query": search or "", "error": str(exc)})
        return Step(_controls(args), None, {"query": args.to_query(), "error": None})
    streets, branch, period, start, end, as_of = controls
    if trigger == ids.RESET:
        args = _scoped(FilterArgs())
    else:
        # a new choice of streets clears the branch: its options follow the streets
        args = _scoped(args_from_controls(streets, None if trigger == ids.STREET else branch, period, start, end, as_of))
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
            return _scoped(canonical(conn, parse_query(search)))
    except FilterError:
        if strict:
            raise
        return None


def _scoped(args: FilterArgs) -> FilterArgs:
    """What the asker sees of ``args``: street staff who choose no street see their own."""
    p = principal()
    return narrow(p, args) if p is not None and not p.is_link else args


def _streets_of(state: dict | None) -> tuple[str, ...] | None:
    if not state or state.get("error"):
        return None
    return parse_query(state.get("query")).streets


@callbacks.callback(
    output=OUTPUTS,
    inputs={
        "search": Input(ids.URL, "search"), "streets": Input(ids.STREET, "value"),
        "branch": Input(ids.BRANCH, "value"), "period": Input(ids.PERIOD, "value"),
        "start": Input(ids.RANGE_START, "value"), "end": Input(ids.RANGE_END, "value"),
        "as_of": Input(ids.AS_OF, "value"), "reset": Input(ids.RESET, "n_clicks"),
        "version": Input(ids.VERSION, "data"), "state": State(ids.FILTER_STATE, "data"),
    },
    prevent_initial_call=True,
)
def apply_filter(search, streets, branch, period, start, end, as_of, reset, version, state):  # noqa: ARG001 - reset only triggers
    """Every output of the page in one response; ``no_update`` wherever nothing changed."""
    if refusal("view:overview", "overview"):  # not even the controls' street and branch lists
        return keep(OUTPUTS)
    trigger = ctx.triggered_id
    if trigger == ids.VERSION:
        if not version or not state:
            return keep(OUTPUTS)
        if not version.get("ok", True):
            # store unreachable: keep the last good panels, show the mark only
            return {**keep(OUTPUTS), "connection": components.connection_mark(False)}
        # new data: the same filter's panels, and options that may have gained a branch
        return {**keep(OUTPUTS), **dict(zip(OPTION_OUTPUTS, filter_choices(_streets_of(state) or []))),
                **page_view(state, version)}
    current = [streets, branch, period, start, end, as_of]
    step = next_step(trigger, search, current)
    if step is None:
        return keep(OUTPUTS)
    out = {**keep(OUTPUTS), **changed_controls(step.controls, current),
           "url": no_update if step.url is None else step.url}
    if step.state == state:
        return out
    new_streets = _streets_of(step.state)
    # the streets stay the same until the store changes; the branches follow the chosen streets
    if new_streets is None or new_streets != _streets_of(state):
        out["branch_options"] = filter_choices(new_streets or [])[1]
    return {**out, "state": step.state, **page_view(step.state, version)}


def page_view(state: dict, version: dict | None) -> dict:
    """The header, the section links and the panels of the page that asks (those whose slots it
    has: ``ctx.outputs_grouping``), for a filter state."""
    present = {name: [o["id"] for o in ctx.outputs_grouping[name]] for name in SLOT_OUTPUTS}
    panels = {component["panel"] for found in present.values() for component in found}
    section = tuple(p for p in PANELS if p.id in panels)
    svc = service()
    asked = filter_from_state(svc, state, "view:overview", "overview") if version else None  # no store: no query
    filled = panels_view(svc, state, version, runtime().settings.map_tiles, section, asked)
    by_slot = {(_slot_key(component_id), prop): key for p in section
               for key, (component_id, prop) in panel_views.slots(p).items()}
    slots = {}
    for name, found in present.items():
        prop = SLOT_OUTPUTS[name].component_property
        values = [filled.get(by_slot.get((_slot_key(c), prop)), no_update) for c in found]
        slots[name] = values if filled else no_update
    return {**header_view(svc, state, version, asked), **slots}


def _slot_key(component_id: dict) -> tuple:
    return component_id["slot"], component_id["panel"], component_id["part"]


def changed_controls(controls: dict, current: list) -> dict:
    """The control outputs, with ``no_update`` where the browser already shows that value: each
    prop sent back costs the renderer a re-render of its component. ``controls`` is keyed as
    CONTROL_OUTPUTS; ``current`` holds the controls' values as the callback received them
    (streets, branch, period, start, end, as-of). The range fields' ``disabled`` follows the
    period, so it changes only with it."""
    now = dict(zip(("streets", "branch", "period", "start", "end", "as_of"), current))
    now["streets"] = list(now["streets"] or [])
    out = {key: no_update if controls[key] == now[key] else controls[key] for key in now}
    period_same = controls["period"] == now["period"]
    for key in ("start_fixed", "end_fixed"):
        out[key] = no_update if period_same else controls[key]
    return out


@callbacks.callback(Output(ids.VERSION, "data"), Input(ids.POLL, "n_intervals"), State(ids.VERSION, "data"),
          prevent_initial_call=True)
def poll(_n, current):
    return poll_version(current)


def filter_choices(streets: list[str] | tuple[str, ...]) -> tuple[list[dict], list[dict]]:
    """The controls' options: every street the asker may see, and the branches of the chosen
    streets (of all those streets if none is chosen)."""
    p = principal()
    with service().store.engine.connect() as conn:
        all_streets = street_rows(conn)
        if p is not None and p.role == STAFF:
            all_streets = [r for r in all_streets if r.code in p.streets]
        codes = tuple(s for s in (streets or ()) if any(r.code == s for r in all_streets))
        if not codes and p is not None and p.role == STAFF:
            codes = p.streets
        branches = branch_rows(conn, codes)
    street_opts = [{"label": s.name, "value": s.code} for s in all_streets]
    branch_opts = [{"label": "全部党组织", "value": ALL_BRANCHES}] + [
        {"label": f"{b.name}({b.kind})", "value": str(b.id)} for b in branches]
    return street_opts, branch_opts


def header_view(svc, state: dict, version: dict | None, asked: tuple | None = None) -> dict:
    """The header's outputs (HEADER_OUTPUTS keys) and the section links for a filter state
    (``asked``: the state's filter and error from ``filter_from_state``, when already resolved)."""
    if not version:
        return {}
    f, error = asked or filter_from_state(svc, state, "view:overview", "overview")
    marks = {**status_marks(svc, version), "connection": components.connection_mark(True)}
    tabs = {f"tab:{s.id}": section_href(s.id, tab_query(state)) for s in catalogue.SECTIONS}
    if f is None:
        message = dbc.Alert(f"{wording.filter_error(error)}。已显示空白结果,请修改或重置筛选。", color="warning",
                            className="mb-3")
        return {**marks, **tabs, "as_of_text": "", "scope": "", "message": message, "summary": "筛选条件有误"}
    scope = wording.scope(f, views.context(svc, f, version["version"]).street_names)
    return {**marks, **tabs, "as_of_text": wording.as_of_text(f.as_of), "scope": scope.text, "message": "",
            "summary": scope.short}


def panels_view(svc, state: dict, version: dict | None, tiles: str | None, section: str | tuple,
                asked: tuple | None = None) -> dict:
    """Every slot value of a section's panels (or of the panels given) by slot key, for a filter
    state: blank for a wrong filter (the header says why). ``asked`` as for :func:`header_view`."""
    panels = catalogue.in_section(section) if isinstance(section, str) else section
    if not version:
        return {}
    f, _error = asked or filter_from_state(svc, state, "view:overview", "overview")
    if f is None:
        return {k: v for p in panels for k, v in panel_views.blank(p).items()}
    v = version["version"]
    context = views.context(svc, f, v, tiles=tiles, names=may_see_names())
    filled = {k: val for p in panels for k, val in panel_views.values(p, views.panel_view(p, svc, context, v)).items()}
    filled.update({k: href for p in panels for k, href in panel_views.records_values(p, f).items()})
    return filled


def overview_content(search: str | None, version: dict | None, section: str = "overview") -> dict:
    """What a section's page is filled with on arrival, so that nothing waits for a callback:
    the filter state, the controls' options, the header's values keyed by (component id,
    property) and the panels' by slot key."""
    try:
        args = url_args(search, strict=True)
        state = {"query": args.to_query(), "error": None}
    except FilterError as exc:
        # controls start blank; the message says what is wrong with the URL
        args, state = FilterArgs(), {"query": search or "", "error": str(exc)}
    streets, branches = filter_choices(args.streets)
    svc = service()
    asked = filter_from_state(svc, state, "view:overview", "overview") if version else None  # no store: no query
    header = header_view(svc, state, version, asked)
    values = {(o.component_id, o.component_property): header[k] for k, o in HEADER_OUTPUTS.items() if k in header}
    filled = panels_view(svc, state, version, runtime().settings.map_tiles, section, asked)
    return {"args": args, "state": state, "version": version, "street_options": streets, "branch_options": branches,
            "values": values, "filled": filled}


def _drill_on_click(panel_id: str):
    def follow(click, state):
        """The 明细 link follows the point clicked: the records behind that bar or cell."""
        point = ((click or {}).get("points") or [None])[0]
        if point is None:
            return no_update, no_update
        f, _error = filter_from_state(service(), state, "view:overview", "overview")
        if f is None:
            return no_update, no_update
        try:
            return panel_href(panel_id, f, point), "查看所点项的明细记录 ›"
        except DrillError:
            return panel_href(panel_id, f), "查看明细记录 ›"
    return follow


# a click on a panel that filters the page by street re-renders its link with the page instead
for _clicked in (p for p in PANELS if p.kind in ("chart", "map") and panel_views.linked(p) and not p.click_filters_street):
    callbacks.callback(
        Output(panel_views.slots(_clicked)[f"{_clicked.id}:records"][0], "href", allow_duplicate=True),
        Output(panel_views.slots(_clicked)[f"{_clicked.id}:records"][0], "children"),
        Input(panel_views.slots(_clicked)[_clicked.id][0], "clickData"), State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )(_drill_on_click(_clicked.id))
