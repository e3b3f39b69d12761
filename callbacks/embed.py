"""Callbacks of ``/embed/<panel-id>``."""
from __future__ import annotations

from dash import Input, Output, State, callback, no_update

from callbacks.context import filter_from_state, service
from callbacks.refresh import poll_version
from dashboard import figures
from dashboard.panels import KPI_BY_KEY, PANELS
from layouts import components as C
from layouts import embed as E


@callback(Output(E.VERSION, "data"), Input(E.POLL, "n_intervals"), State(E.VERSION, "data"))
def poll_embed(_n, current):
    return poll_version(current)


@callback(Output(E.GRAPH, "figure"), Output(E.BODY, "children"), Output(E.CAPTION, "children"),
          Input(E.VERSION, "data"), State(E.STATE, "data"))
def render_embed(version, state):
    if not version or not state:
        return no_update, no_update, no_update
    return embed_view(service(), state, version["version"])


def embed_view(svc, state: dict, version: int) -> tuple:
    """(figure, body, caption) of one panel for a filter state."""
    panel = PANELS[state["panel"]]
    f, error = filter_from_state(svc, state)
    if f is None:
        return figures.empty(), C.empty_note(), f"筛选条件有误:{error}"
    names = {s.code: s.name for s in svc.streets(version)}
    caption = C.scope_text(f, names)
    if panel.kind in ("chart", "map"):
        return figures.chart(panel.id, svc, f, version), no_update, caption
    if panel.kind == "kpi":
        kpi = KPI_BY_KEY[panel.id.removeprefix("kpi-")]
        k = svc.get("kpis", f, version)
        now, ago = getattr(k.now, kpi.key), getattr(k.year_ago, kpi.key)
        text, cls = C.delta(now, ago)
        return no_update, C.kpi_card(kpi, C.number(now), text, cls, C.kpi_note(kpi.key, k)), caption
    if panel.id == "three-meetings":
        return no_update, C.three_meetings_table(svc.get("three_meetings", f, version), names), caption
    return no_update, C.latest_activities_list(svc.get("latest_activities", f, version)), caption
