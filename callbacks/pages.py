"""The pages, as a table: a path (with ``<name>`` parts, as in Dash's ``path_template``) and the
function that builds its layout from the path's parts and the query string's arguments."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from urllib.parse import parse_qsl, urlencode

from dash import dcc, html

from callbacks.context import principal, refusal, runtime, service
from callbacks.ledger import ledger_page_layout
from callbacks.overview import overview_content
from callbacks.records import PAGE_KEYS, records_content
from dashboard.catalogue import SECTIONS
from dashboard.query import KNOWN_KEYS, parse_qs_kwargs
from layouts import embed, overview, screen
from layouts import records as records_page

log = logging.getLogger("dashboard.pages")


@dataclass(frozen=True)
class Page:
    """A page: its path template, its builder, the action it needs (see
    ``dashboard.access.principal.ACTIONS``) and, for signed links, what it opens (``target``:
    a fixed name, or the path part that names it)."""
    template: str
    build: Callable[..., object]
    action: str
    target: str | None = None
    search_as_string: bool = False  # the builder takes the raw query string, not keyword arguments
    own_keys: tuple[str, ...] = ()  # query keys a signed link's viewer still sets (a list's paging), beside the link's own

    @cached_property  # compiled once: every layout request looks its page up
    def pattern(self) -> re.Pattern:
        return re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", self.template) + "$")


def _overview(search: str = "", section: str = "overview") -> html.Div:
    try:
        version = service().version().record()
    except Exception:  # noqa: BLE001 - the page's own poll reports an unreachable store
        version = None
    p = principal()
    return overview.layout(refresh_seconds=runtime().settings.refresh_seconds,
                           content=overview_content(search, version, section), search=search, links=p.may("admin"),
                           user=None if p.is_link else p.display_name, section=section)


def _section_page(section: str) -> Page:
    """A section of the staff page (``/``, ``/reach``, …): the same page, its own panels. A signed
    link to the staff page opens each of them with its filter, as one page did before."""
    return Page(overview.section_path(section), partial(_overview, section=section), "view:overview", "overview",
                search_as_string=True)


def _screen(**query) -> html.Div:
    return screen.layout(refresh_seconds=runtime().settings.refresh_seconds, **query)


def _records(search: str = "", kind: str = "") -> html.Div:
    p = principal()
    return records_page.layout(records_content(kind, search), user=p.display_name, admin=p.may("admin"),
                               embedded=p.is_link)


def _embed(panel_id: str, **query) -> html.Main:
    return embed.layout(panel_id, runtime().settings.refresh_seconds, **query)


PAGES = (
    *(_section_page(s.id) for s in SECTIONS),
    Page("/screen", _screen, "view:screen", "screen"),
    Page("/embed/<panel_id>", _embed, "view:embed", "<panel_id>"),
    Page("/data", ledger_page_layout, "view:data", "data"),
    Page("/records/<kind>", _records, "view:records", "records/<kind>", search_as_string=True, own_keys=PAGE_KEYS),
)


def not_found(path: str) -> html.Div:
    return html.Div([html.H1("页面不存在"), html.P(f"没有“{path}”这个页面。"), dcc.Link("返回总览", href="/")],
                    className="not-found")


def refused(message: str) -> html.Div:
    return html.Main([html.H1("无法访问", className="h3"), html.P(message, role="alert"),
                      html.P([html.A("返回总览", href="/"), " · ", html.A("登录", href="/login")])],
                     className="not-found")


def page_for(path: str, search: str):
    """The layout of the page at ``path`` for the query string ``search`` (with or without ``?``),
    if the asker may see it. A signed link's page always shows the link's own filter (and a
    list's own selectors); its viewer sets only the page's ``own_keys`` (a list's paging)."""
    query = (search or "").lstrip("?")
    for page in PAGES:
        match = page.pattern.match(path)
        if match:
            parts = match.groupdict()
            target = re.sub(r"<(\w+)>", lambda m, parts=parts: parts[m.group(1)], page.target or "") or None
            why = refusal(page.action, target)
            if why:
                return refused(why + "。")
            p = principal()
            if p.is_link:
                own = [(k, v) for k, v in parse_qsl(query) if k in page.own_keys]
                query = "&".join(part for part in (p.link_query.lstrip("?"), urlencode(own)) if part)
            if page.search_as_string:
                return page.build(f"?{query}" if query else "", **parts)
            # only the filter's own arguments reach a page: nothing overrides a part of the path
            # (/embed/map?panel_id=x) or the page's settings (/screen?refresh_seconds=1)
            args = {k: v for k, v in parse_qs_kwargs(query).items() if k in KNOWN_KEYS and k not in parts}
            return page.build(**parts, **args)
    return not_found(path)


# pages whose first response carries their content as HTML (layouts.static_html), and the element
# that shows the live page has drawn the same content (assets/ssr.js swaps then)
FIRST_PAINT = {overview.section_path(s.id): ".page-main" for s in SECTIONS}


def first_paint(path: str, search: str) -> str:
    """The page's content as plain HTML for its first response, or "" for a page without one.
    A failure here never fails the page: the live page follows as it would without it."""
    ready = FIRST_PAINT.get(path)
    if ready is None:
        return ""
    from layouts.static_html import render

    try:
        markup = render(page_for(path, search))
    except Exception:  # the live page still comes, and reports what is wrong
        log.exception("first paint of %s failed", path)
        return ""
    return f'<div id="ssr-page" class="ssr-page" data-ready="{ready}">{markup}</div>'
