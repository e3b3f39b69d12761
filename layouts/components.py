"""Pure builders of component trees shared by the pages: no queries, plain data in."""
from __future__ import annotations

import datetime as dt
from html import escape as html_escape

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import vocab
from dashboard.indicators.panels import ActivityRow
from dashboard.indicators.three_meetings import BranchMeetings
from dashboard.panels import KPIS, PANELS, Kpi
from layouts import ids

BUREAU = "章丘区委老干部局"
APP_TITLE = "党建看板"
HTML_BLOCK = "data-html-block"  # an element whose markup assets/html-block.js fills in
STATUS_TEXT = {"green": "达标", "amber": "基本达标", "red": "未达标", "none": "未到期"}
GRAPH_CONFIG = {"displaylogo": False, "locale": "zh-CN", "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def number(n: int) -> str:
    return f"{n:,}"


def delta(now: int, ago: int) -> tuple[str, str]:
    """The change against a year before: (text, css class). Arrows and words, not colour alone."""
    diff = now - ago
    if diff > 0:
        return f"▲ {number(diff)} 较上年同期", "kpi-delta up"
    if diff < 0:
        return f"▼ {number(-diff)} 较上年同期", "kpi-delta down"
    return "— 与上年同期持平", "kpi-delta flat"


def panel_menu(panel_id: str, title: str) -> html.Details:
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
    body = (copy_field("url", "嵌入链接") + copy_field("code", "iframe 代码")
            + f'<div class="d-flex gap-2">{download("png")}{download("svg")}</div>'
            + '<div class="visually-hidden" role="status"></div>')
    return html.Details([
        html.Summary("嵌入/导出", id=f"menu-{panel_id}", className="menu-button btn btn-sm btn-light",
                     title=f"嵌入或导出“{title}”"),
        html.Div(className="panel-menu", role="group", **{"aria-label": f"嵌入或导出“{title}”", HTML_BLOCK: body}),
    ], className="panel-menu-wrap", **{"data-panel": panel_id, "data-title": title})


def kpi_card(kpi: Kpi, value: str = "…", delta_text: str = "", delta_class: str = "kpi-delta", note: str = "",
             menu: bool = False) -> html.Div:
    title = html.H2(kpi.title, className="kpi-title", id=f"{ids.kpi(kpi.key)}-title")
    return html.Div(dbc.Card(
        dbc.CardBody([
            html.Div([title, panel_menu(f"kpi-{kpi.key}", kpi.title)], className="kpi-head") if menu else title,
            html.Div([
                html.Span(value, id=ids.kpi(kpi.key), className="kpi-value"),
                html.Span(kpi.unit, className="kpi-unit"),
            ], className="kpi-figure"),
            html.Div(delta_text, id=ids.kpi_delta(kpi.key), className=delta_class),
            html.Div(note, id=ids.kpi_note(kpi.key), className="kpi-note"),
        ]),
        className="kpi-card h-100",
    ), role="group", className="h-100", **{"aria-labelledby": f"{ids.kpi(kpi.key)}-title"})


def kpi_row(values: dict | None = None) -> dbc.Row:
    """The KPI cards, filled from ``values`` ({(component id, property): value}) where given."""
    values = values or {}

    def card(k: Kpi) -> html.Div:
        return kpi_card(k, values.get((ids.kpi(k.key), "children"), "…"),
                        values.get((ids.kpi_delta(k.key), "children"), ""),
                        values.get((ids.kpi_delta(k.key), "className"), "kpi-delta"),
                        values.get((ids.kpi_note(k.key), "children"), ""), menu=True)

    return dbc.Row([dbc.Col(card(k), xs=6, md=3, xxl=True, className="mb-3") for k in KPIS], className="g-3")


def panel(panel_id: str, title: str, body, *, menu: bool = True, className: str = "") -> html.Section:
    """A titled panel with its 嵌入/导出 menu: the unit that the page, the screen and embeds are made of."""
    heading = html.H2(title, className="panel-title", id=f"{panel_id}-title")
    menu = panel_menu(panel_id, PANELS[panel_id].title) if menu else None
    return html.Section(dbc.Card([
        dbc.CardHeader([heading, menu] if menu is not None else heading, className="panel-header"),
        dbc.CardBody(body, className="panel-body"),
    ], className=f"panel h-100 {className}"), id=f"{panel_id}-card", className="h-100",
        **{"aria-labelledby": f"{panel_id}-title"})


def graph(graph_id: str, height: int, **kwargs) -> dcc.Loading:
    return dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}, **kwargs)


def empty_note(text: str = "暂无数据") -> html.P:
    return html.P(text, className="empty-note")


def three_meetings_table(rows: list[BranchMeetings], street_names: dict[str, str]) -> html.Div:
    """Held against required per branch, worst first; status in colour and in words.

    The table is one block of HTML, not a component per cell: a city's few hundred branches
    would otherwise be thousands of components, which Dash's renderer takes seconds over.
    Every value in it is escaped here."""
    if not rows:
        return empty_note()
    order = {"red": 0, "amber": 1, "green": 2, "none": 3}
    rows = sorted(rows, key=lambda r: (order[r.status], r.rate if r.rate is not None else 2, r.name))
    kinds = list(vocab.THREE_MEETINGS_ONE_LECTURE)
    e = html_escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in ["党支部", "街道/镇", *kinds, "状态"])
    body = []
    for r in rows:
        cells = [f"<td>{e(r.name)}</td>", f"<td>{e(street_names.get(r.street_code, r.street_code))}</td>"]
        for k in kinds:
            cells.append(f'<td title="已开{r.held[k]}次,应开{r.required[k]}次,落实{r.covered[k]}个周期">'
                         f"{r.held[k]}/{r.required[k]}</td>")
        cells.append(f'<td><span class="status status-{r.status}">{STATUS_TEXT[r.status]}</span></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    table = (f'<table class="table table-sm meetings-table"><caption>已开/应开次数(统计期间内)</caption>'
             f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    # assets/html-block.js puts the markup in place
    return html.Div(html.Div(className="meetings-html", **{HTML_BLOCK: table}), className="table-scroll", tabIndex="0")


def latest_activities_list(rows: list[ActivityRow]) -> html.Div:
    if not rows:
        return empty_note()
    e = html_escape
    # markup, not four components an item (see panel_menu)
    items = "".join(
        f'<li><time class="act-date" datetime="{r.date.isoformat()}">{r.date.isoformat()}</time>'
        f'<span class="act-cat">{e(r.category)}</span><span class="act-name">{e(r.name)}</span>'
        f'<span class="act-meta">{e(r.street_name)} · {r.participants}人</span></li>' for r in rows)
    return html.Div(**{HTML_BLOCK: f'<ul class="activity-list">{items}</ul>'})


def demo_mark(is_demo: bool) -> list:
    return [html.Span("演示数据", className="demo-mark", title="本看板当前显示的是按规则生成的演示数据,不是真实台账")] if is_demo else []


def updated_text(changed_at: dt.datetime | None) -> str:
    """'数据更新于 …' in the server's local time, like every other day shown (the store keeps UTC)."""
    if changed_at is None:
        return "数据更新于 —"
    local = changed_at.replace(tzinfo=dt.UTC).astimezone()
    return f"数据更新于 {local:%Y-%m-%d %H:%M}"


MISSING = "—"


def parse_changed_at(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def connection_mark(ok: bool) -> list:
    return [] if ok else [html.Span("连接中断", className="connection-mark", title="暂时无法读取数据,显示的是最近一次的数据")]


def kpi_note(key: str, k) -> str:
    """The small print under a KPI card's number."""
    now = k.now
    if key == "active_branches":
        return f"建制型 {number(now.established_branches)} · 功能型 {number(now.functional_branches)}"
    if key == "co_built_sites":
        return f"其中规范化共享式党员活动室 {number(now.standardised_shared_rooms)} 处"
    if key == "activities":
        return f"新时代文明实践 {number(now.activities_by_category.get(vocab.PRACTICE, 0))} 场"
    return ""


def scope_text(f, street_names: dict[str, str]) -> str:
    """The filter in words: used under the header, in embed captions and exports."""
    if f.branch_name:
        where = f.branch_name
    elif f.streets:
        where = "、".join(street_names.get(s, s) for s in f.streets)
    else:
        where = "全区"
    return f"范围:{where} · 统计期间:{f.start:%Y-%m-%d} 至 {f.end:%Y-%m-%d} · 截至日:{f.as_of:%Y-%m-%d}"


NAV = (("/", "总览"), ("/screen", "大屏"), ("/briefing", "简报"), ("/data", "台账导入"))


def nav(current: str) -> html.Nav:
    """The links between the pages; plain links (each page builds its own state from its URL)."""
    return html.Nav(html.Ul([
        html.Li(html.A(label, href=path, className="nav-link" + (" active" if path == current else ""),
                       **({"aria-current": "page"} if path == current else {})))
        for path, label in NAV
    ], className="nav"), className="page-nav", **{"aria-label": "页面导航"})
