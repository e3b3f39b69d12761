"""The pages, as a table: a path (with ``<name>`` parts, as in Dash's ``path_template``) and the
function that builds its layout from the path's parts and the query string's arguments."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dash import dcc, html

from callbacks.context import runtime, service
from callbacks.ledger import ledger_page_layout
from callbacks.overview import overview_content
from dashboard.query import parse_qs_kwargs
from layouts import embed, overview, screen


@dataclass(frozen=True)
class Page:
    template: str
    build: Callable[..., object]
    search_as_string: bool = False  # the builder takes the raw query string, not keyword arguments

    @property
    def pattern(self) -> re.Pattern:
        return re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", self.template) + "$")


def _overview(search: str = "") -> html.Div:
    try:
        version = service().version().record()
    except Exception:  # noqa: BLE001 - the page's own poll reports an unreachable store
        version = None
    return overview.layout(refresh_seconds=runtime().settings.refresh_seconds,
                           content=overview_content(search, version), search=search)


def _screen(**query) -> html.Div:
    return screen.layout(refresh_seconds=runtime().settings.refresh_seconds, **query)


def _embed(panel_id: str, **query) -> html.Main:
    return embed.layout(panel_id, runtime().settings.refresh_seconds, **query)


PAGES = (
    Page("/", _overview, search_as_string=True),
    Page("/screen", _screen),
    Page("/embed/<panel_id>", _embed),
    Page("/data", ledger_page_layout),
)


def not_found(path: str) -> html.Div:
    return html.Div([html.H1("页面不存在"), html.P(f"没有“{path}”这个页面。"), dcc.Link("返回总览", href="/")],
                    className="not-found")


def page_for(path: str, search: str):
    """The layout of the page at ``path`` for the query string ``search`` (with or without ``?``)."""
    query = (search or "").lstrip("?")
    for page in PAGES:
        match = page.pattern.match(path)
        if match:
            if page.search_as_string:
                return page.build(f"?{query}" if query else "", **match.groupdict())
            parts = match.groupdict()
            # a query argument never overrides a part of the path (/embed/map?panel_id=x)
            args = {k: v for k, v in parse_qs_kwargs(query).items() if k not in parts}
            return page.build(**parts, **args)
    return not_found(path)
