"""Pure builders of component trees shared by the pages: no queries, plain data in."""
from __future__ import annotations

import datetime as dt
from html import escape as html_escape

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import wording
from dashboard.catalogue import Panel
from dashboard.query import RECORDS_PATH
from dashboard.views import NumberView, TableView
from layouts import ids

HTML_BLOCK = "data-html-block"  # an element whose markup assets/html-block.js fills in
GRAPH_CONFIG = {"displaylogo": False, "locale": "zh-CN", "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def delta_class(view: NumberView) -> str:
    """The change's css class: arrows and words carry it too, never colour alone."""
    return f"kpi-delta {view.change.direction}"


def panel_menu(panel_id: str, title: str, links: bool = False) -> html.Details:
    """嵌入/导出: the embed link and <iframe> code to copy, and PNG/SVG of the panel as filtered.
    assets/panel-menu.js fills in the links from the page's URL when the menu opens, so they
    always follow the filter without a callback, and its 复制 buttons copy them."""
    e = html_escape

    def copy_field(part: str, label: str) -> str:
        field_id = e(ids.menu_field(panel_id, part))
        # the visible word 复制 starts the button's accessible name; the status line says (to
        # screen readers too) whether the copy worked
        return (f'<div class="mb-2"><div class="menu-label" id="{field_id}-label">{e(label)}</div>'
                f'<div class="d-flex gap-1 align-items-start">'
                f'<code class="menu-code" id="{field_id}" aria-labelledby="{field_id}-label"></code>'
                f'<button type="button" class="menu-copy" data-copy="{field_id}"><span class="menu-copy-text">复制</span>'
                f'<span class="visually-hidden">{e(label)}</span></button></div></div>')

    def download(part: str) -> str:
        name = e(f"{panel_id}.{part}")
        return (f'<a class="btn btn-sm btn-outline-secondary menu-{e(part)}" id="{e(ids.menu_field(panel_id, part))}" '
                f'href="/export/{name}" download="{name}">下载 {e(part.upper())}</a>')

    # The body is one block of markup, not a dozen components a panel: every component on the
    # page costs Dash's renderer work on each update, and a page has sixteen of these menus.
    # A native disclosure (<details>), not a popover: <summary> is a button to keyboards and
    # screen readers as it is, and nothing runs until it opens.
    # 管理员 only: a signed link opens the panel for a frame or screen without a login
    signed = (f'<a class="btn btn-sm btn-outline-secondary menu-link" id="{e(ids.menu_field(panel_id, "link"))}" '
              f'href="/admin/links/new?target={e(panel_id)}">生成签名链接</a>') if links else ""
    body = (copy_field("url", "嵌入链接") + copy_field("code", "iframe 代码")
            + f'<div class="d-flex gap-2 flex-wrap">{download("png")}{download("svg")}{signed}</div>'
            + '<div class="visually-hidden" role="status"></div>')
    return html.Details([
        html.Summary("嵌入/导出", id=f"menu-{panel_id}", className="menu-button btn btn-sm btn-light",
                     title=f"嵌入或导出“{title}”"),
        html.Div(className="panel-menu", role="group", **{"aria-label": f"嵌入或导出“{title}”", HTML_BLOCK: body}),
    ], className="panel-menu-wrap", **{"data-panel": panel_id, "data-title": title})


def records_link(panel: Panel, href: str | None, text: str = "查看明细记录 ›") -> html.A:
    """The link from a figure to the records it counts (``/records/…``; none when unknown)."""
    return html.Span(html.A(text, id=ids.slot(panel.id, "records", "href"), href=href, className="records-link",
                            title=f"{panel.title}:列出所计的每一条记录"), id=ids.records_link(panel.id),
                     className="records-link-box")


def kpi_card(panel: Panel, value: str = "…", change: str = "", direction: str = "kpi-delta", note: str = "",
             menu: bool = False, links: bool = False, records: str | None = None) -> html.Div:
    """A number panel: title, the number alone under its id, unit, change and small print."""
    key = panel.key
    title = html.H2(panel.title, className="kpi-title", id=f"{ids.kpi(key)}-title")
    return html.Div(dbc.Card(
        dbc.CardBody([
            html.Div([title, panel_menu(panel.id, panel.title, links)], className="kpi-head") if menu else title,
            html.Div([
                html.Span(html.Span(value, id=ids.slot(panel.id, "value", "children")), id=ids.kpi(key),
                          className="kpi-value"),
                html.Span(panel.unit, className="kpi-unit"),
            ], className="kpi-figure"),
            html.Div(html.Div(change, id=ids.slot(panel.id, "change", "delta"), className=direction),
                     id=ids.kpi_delta(key), className="kpi-delta"),
            html.Div(html.Div(note, id=ids.slot(panel.id, "note", "children")), id=ids.kpi_note(key),
                     className="kpi-note"),
            records_link(panel, records, "明细 ›"),
        ]),
        className="kpi-card h-100",
    ), role="group", className="h-100", **{"aria-labelledby": f"{ids.kpi(key)}-title"})


def panel(p: Panel, body, *, menu: bool = True, links: bool = False, className: str = "") -> html.Section:
    """A titled panel with its 嵌入/导出 menu: the unit that the staff page is made of."""
    panel_id = p.id
    heading = html.H2(p.heading, className="panel-title", id=f"{panel_id}-title")
    menu = panel_menu(panel_id, p.title, links) if menu else None
    return html.Section(dbc.Card([
        dbc.CardHeader([heading, menu] if menu is not None else heading, className="panel-header"),
        dbc.CardBody(body, className="panel-body"),
    ], className=f"panel h-100 {className}"), id=f"{panel_id}-card", className="h-100",
        **{"aria-labelledby": f"{panel_id}-title"})


def graph(graph_id: str | dict, height: int, box_id: str | None = None, **kwargs) -> html.Div:
    """A graph in a box of its height (``box_id``: the box's id): dcc.Graph loads its code after
    the page and draws nothing until then, and without the box everything under it moved down when it did."""
    return html.Div(dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}, **kwargs),
                    className="graph-box", style={"minHeight": f"{height}px"}, **({"id": box_id} if box_id else {}))


def empty_note(text: str = "暂无数据") -> html.P:
    return html.P(text, className="empty-note")


def table_block(view: TableView) -> html.Div:
    """A table panel as one block of escaped HTML, a status column in colour and in words.

    One block, not a component per cell: a city's few hundred branches would otherwise be
    thousands of components, which Dash's renderer takes seconds over. Every value is escaped here."""
    if not view.rows:
        return empty_note()
    e = html_escape

    def cell(c) -> str:
        title = f' title="{e(c.title)}"' if c.title else ""
        text = f'<span class="status status-{e(c.status)}">{e(c.text)}</span>' if c.status else e(c.text)
        if c.href.startswith(RECORDS_PATH):  # only our own lists: a cell's text never becomes a link
            text = f'<a href="{e(c.href)}">{text}</a>'
        return f"<td{title}>{text}</td>"

    def group(key: str) -> str:
        return f' data-group="{e(key)}"' if key else ""

    head = "".join(f'<th scope="col">{e(h)}</th>' for h in view.columns)
    groups = view.row_groups or ("",) * len(view.rows)
    body = "".join(f"<tr{group(g)}>{''.join(cell(c) for c in row)}</tr>" for g, row in zip(groups, view.rows))
    caption = f"<caption>{e(view.note)}</caption>" if view.note else ""
    table = (f'<table class="table table-sm meetings-table">{caption}'
             f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    # assets/html-block.js puts the markup in place
    return html.Div(html.Div(className="meetings-html", **{HTML_BLOCK: table}), className="table-scroll", tabIndex="0")


def list_block(view: TableView) -> html.Div:
    """A list panel: each row's first cell is its day, the second its kind, the third its name,
    the rest small print. Escaped markup, not four components an item (see :func:`panel_menu`)."""
    if not view.rows:
        return empty_note()
    e = html_escape
    items = "".join(
        f'<li><time class="act-date" datetime="{e(day.text)}">{e(day.text)}</time>'
        f'<span class="act-cat">{e(kind.text)}</span><span class="act-name">{e(name.text)}</span>'
        f'<span class="act-meta">{" · ".join(e(c.text) for c in rest)}</span></li>'
        for day, kind, name, *rest in view.rows)
    return html.Div(**{HTML_BLOCK: f'<ul class="activity-list">{items}</ul>'})


def demo_mark(is_demo: bool) -> list:
    return [html.Span(wording.DEMO, className="demo-mark", title=wording.DEMO_NOTE)] if is_demo else []


def parse_changed_at(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def connection_mark(ok: bool) -> list:
    return [] if ok else [html.Span("连接中断", className="connection-mark", title="暂时无法读取数据,显示的是最近一次的数据")]


NAV = (("/", "总览"), ("/screen", "大屏"), ("/briefing", "简报"), ("/data", "台账导入"))


def site_title() -> html.H1:
    return html.H1([html.Span(wording.BUREAU, className="bureau"), html.Span(wording.APP_TITLE, className="app-title")])


def page_header(current: str, user: str | None = None, admin: bool = False) -> html.Header:
    """The title and the links between pages, for pages without the staff page's status marks."""
    return html.Header(dbc.Row([dbc.Col(site_title(), md=5), dbc.Col(nav(current, user, admin), md=7)],
                               className="align-items-center"), className="page-header")


def nav(current: str, user: str | None = None, admin: bool = False) -> html.Nav:
    """The links between the pages; plain links (each page builds its own state from its URL).
    With ``user``: a 退出 button that logs out (a form: a POST, never a link a page could embed)."""
    pages = (*NAV, ("/admin", "管理")) if admin else NAV
    items = [html.Li(html.A(label, href=path, className="nav-link" + (" active" if path == current else ""),
                            **({"aria-current": "page"} if path == current else {})))
             for path, label in pages]
    if user:
        items.append(html.Li(html.Form(html.Button(["退出", html.Span(f"登录({user})", className="visually-hidden")],
                                                   type="submit", className="nav-link logout", title=f"{user} 退出登录"),
                                       action="/logout", method="post")))
    return html.Nav(html.Ul(items, className="nav"), className="page-nav", **{"aria-label": "页面导航"})
