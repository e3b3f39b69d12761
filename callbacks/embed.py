"""Callbacks of ``/embed/<panel-id>``: the panel's view for the link's filter, drawn by its kind."""
from __future__ import annotations

from dash import Input, Output, State, no_update

from callbacks.context import Callbacks, filter_from_state, may_see_names, service
from callbacks.refresh import poll_version
from dashboard import catalogue, figures, views, wording
from layouts import components, embed, panel_views

callbacks = Callbacks()


@callbacks.callback(Output(embed.VERSION, "data"), Input(embed.POLL, "n_intervals"), State(embed.VERSION, "data"))
def poll_embed(_n, current):
    return poll_version(current)


@callbacks.callback(Output(embed.GRAPH, "figure"), Output(embed.BODY, "children"), Output(embed.CAPTION, "children"),
          Input(embed.VERSION, "data"), State(embed.STATE, "data"))
def render_embed(version, state):
    if not version or not state:
        return no_update, no_update, no_update
    return embed_view(service(), state, version["version"])


def embed_view(svc, state: dict, version: int) -> tuple:
    """(figure, body, caption) of one panel for a filter state."""
    try:
        panel = catalogue.panel(state.get("panel"))
    except catalogue.UnknownPanel as exc:  # the state comes from the browser
        return figures.empty(), components.empty_note(), str(exc)
    f, error = filter_from_state(svc, state, "view:embed", panel.id)
    if f is None:
        return figures.empty(), components.empty_note(), wording.filter_error(error)
    context = views.context(svc, f, version, names=may_see_names())
    figure, body = panel_views.embed_parts(panel, views.panel_view(panel, svc, context, version))
    caption = wording.scope(f, context.street_names).text
    return (no_update if figure is None else figure), (no_update if body is None else body), caption
