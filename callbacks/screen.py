"""Callbacks of the big screen: the panels follow the store version that assets/screen.js polls."""
from __future__ import annotations

import hashlib
import json

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, html, no_update

from callbacks.context import filter_from_state, service
from dashboard import figures
from dashboard.panels import KPIS
from layouts import components as C
from layouts import screen_ids as S

clientside_callback(ClientsideFunction("screen", "countUp"), Output(S.KPI_SINK, "data"), Input(S.KPI_DATA, "data"))

OUTPUTS = [
    Output(S.KPI_DATA, "data"),
    *[Output(S.kpi_delta(k.key), "children") for k in KPIS],
    Output(S.MAP, "figure"), Output(S.FOUR_IN_ONE, "figure"), Output(S.MEETINGS, "figure"),
    Output(S.ACTIVITIES, "figure"), Output(S.VOLUNTEERS, "figure"),
    Output(S.TICKER, "children"), Output(S.UPDATED, "children"), Output(S.DEMO, "children"),
    Output(S.SCOPE, "children"), Output(S.MESSAGE, "children"),
    Output(S.SHOWN, "data"),
]


def only_changed(figs: dict, shown: dict | None) -> tuple[list, dict]:
    """The figures whose content differs from what the screen shows (``no_update`` for the
    rest), and the new fingerprints: a wall screen that runs for days redraws only what changed."""
    shown = dict(shown or {})
    out = []
    for name, fig in figs.items():
        digest = hashlib.sha1(json.dumps(fig, sort_keys=True).encode()).hexdigest()
        out.append(no_update if shown.get(name) == digest else fig)
        shown[name] = digest
    return out, shown


def ticker(activities, honours) -> html.Ul:
    items = [html.Li([html.Span(a.category, className="tick-kind"), f"{a.date:%m-%d} {a.name}({a.street_name})"])
             for a in activities]
    items += [html.Li([html.Span("荣誉", className="tick-kind"), f"{day:%Y年%-m月} {recipient} 获评“{title}”"])
              for day, title, recipient in honours]
    if not items:
        items = [html.Li("暂无数据")]
    # the list twice, so that the scroll loops without a jump
    return html.Div([html.Ul(items), html.Ul(items, **{"aria-hidden": "true"})])


@callback(*OUTPUTS, Input(S.VERSION, "data"), State(S.FILTER, "data"), State(S.SHOWN, "data"))
def render_screen(version, state, shown):
    if not version or not state:
        return [no_update] * len(OUTPUTS)
    svc = service()
    v = version["version"]
    demo = C.demo_mark(svc.store.demo_info() is not None)
    updated = C.updated_text(C.parse_changed_at(version.get("changed_at")))
    f, error = filter_from_state(svc, state)
    if f is None:
        blank = figures.empty("dark")
        return [None, *[""] * len(KPIS), blank, blank, blank, blank, blank, ticker([], []), updated, demo, "",
                f"链接中的筛选条件有误:{error}", {}]
    k = svc.get("kpis", f, v)
    data = {kpi.key: getattr(k.now, kpi.key) for kpi in KPIS}
    deltas = [C.delta(getattr(k.now, kpi.key), getattr(k.year_ago, kpi.key))[0] for kpi in KPIS]
    names = {s.code: s.name for s in svc.streets(v)}
    statuses = [r.status for r in svc.get("three_meetings", f, v)]
    figs, shown = only_changed({
        "map": figures.chart("map", svc, f, v, theme="dark"),
        "four-in-one": figures.chart("four-in-one", svc, f, v, theme="dark"),
        "meetings": figures.meetings_status(statuses, "dark"),
        "activities-by-month": figures.chart("activities-by-month", svc, f, v, theme="dark"),
        "volunteers-by-team": figures.chart("volunteers-by-team", svc, f, v, theme="dark"),
    }, shown)
    return [
        data, *deltas, *figs,
        ticker(svc.get("latest_activities", f, v), svc.get("honours", f, v)),
        updated, demo, C.scope_text(f, names).replace("范围:", ""), "", shown,
    ]
