"""Callbacks of the big screen: the panels follow the store version that assets/screen.js polls."""
from __future__ import annotations

import hashlib
import json

from dash import ClientsideFunction, Input, Output, State, html, no_update

from callbacks.context import Callbacks, filter_from_state, service
from callbacks.refresh import status_marks
from dashboard import catalogue, figures, views, wording
from dashboard.attention.text import street_lines
from layouts import screen_ids as screen_id

callbacks = Callbacks()

callbacks.clientside(ClientsideFunction("screen", "countUp"), Output(screen_id.KPI_SINK, "data"),
                    Input(screen_id.KPI_DATA, "data"))

NUMBERS = tuple(p for p in catalogue.on("screen") if p.kind == "number")
CHARTS = tuple(p for p in catalogue.on("screen") if p.kind != "number")
OUTPUTS = {
    "kpi_data": Output(screen_id.KPI_DATA, "data"),
    **{f"{p.id}:change": Output(screen_id.kpi_delta(p.key), "children") for p in NUMBERS},
    **{p.id: Output(screen_id.graph(p.id), "figure") for p in CHARTS},
    "ticker": Output(screen_id.TICKER, "children"), "updated": Output(screen_id.UPDATED, "children"),
    "demo": Output(screen_id.DEMO, "children"), "scope": Output(screen_id.SCOPE, "children"),
    "message": Output(screen_id.MESSAGE, "children"), "shown": Output(screen_id.SHOWN, "data"),
}


def only_changed(figs: dict, shown: dict | None) -> tuple[dict, dict]:
    """The figures whose content differs from what the screen shows (``no_update`` for the
    rest), and the new fingerprints: a wall screen that runs for days redraws only what changed."""
    shown = dict(shown or {})
    out = {}
    for name, fig in figs.items():
        digest = hashlib.sha1(json.dumps(fig, sort_keys=True).encode()).hexdigest()
        out[name] = no_update if shown.get(name) == digest else fig
        shown[name] = digest
    return out, shown


def ticker(activities, honours, attention_lines: list[str] = ()) -> html.Ul:
    """The footer's scrolling line: what needs attention (counts and street names only), the
    latest activities, honours."""
    items = [html.Li([html.Span("需关注", className="tick-kind tick-attention"), line]) for line in attention_lines]
    items += [html.Li([html.Span(a.category, className="tick-kind"), f"{a.date:%m-%d} {a.name}({a.street_name})"])
              for a in activities]
    items += [html.Li([html.Span("荣誉", className="tick-kind"), f"{day:%Y年%-m月} {recipient} 获评“{title}”"])
              for day, title, recipient in honours]
    if not items:
        items = [html.Li("暂无数据")]
    # the list twice, so that the scroll loops without a jump
    return html.Div([html.Ul(items), html.Ul(items, **{"aria-hidden": "true"})])


@callbacks.callback(output=OUTPUTS, inputs={"version": Input(screen_id.VERSION, "data"), "state": State(screen_id.FILTER, "data"),
                                   "shown": State(screen_id.SHOWN, "data")})
def render_screen(version, state, shown):
    if not version or not state:
        return dict.fromkeys(OUTPUTS, no_update)
    return screen_view(service(), state, version, shown)


def screen_view(svc, state: dict, version: dict, shown: dict | None) -> dict:
    """Every output of the screen (OUTPUTS keys) for a filter state at a store version."""
    v = version["version"]
    header = status_marks(svc, version)
    f, error = filter_from_state(svc, state, "view:screen", "screen")
    if f is None:
        blank = figures.empty("dark")
        return {**header, "kpi_data": None, **{f"{p.id}:change": "" for p in NUMBERS}, **dict.fromkeys(
            (p.id for p in CHARTS), blank), "ticker": ticker([], []), "scope": "",
            "message": wording.filter_error(error), "shown": {}}
    context = views.context(svc, f, v, theme="dark")
    numbers = {p: views.panel_view(p, svc, context, v) for p in NUMBERS}
    figs, shown = only_changed({p.id: views.panel_view(p, svc, context, v) for p in CHARTS}, shown)
    return {
        **header, **figs, "shown": shown,
        "kpi_data": {p.key: view.value for p, view in numbers.items()},
        **{f"{p.id}:change": view.change.text for p, view in numbers.items()},
        "ticker": ticker(svc.get("latest_activities", f, v), svc.get("honours", f, v),
                         street_lines(svc.get("attention", f, v), context.street_names)),
        "scope": wording.scope(f, context.street_names).details, "message": "",
    }
