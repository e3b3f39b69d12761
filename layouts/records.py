"""明细 (``/records/<kind>?…``): one page of the records behind a figure, built from what
``callbacks.records.records_content`` gives it. Plain links and a GET form drive it (paging,
sorting, searching), so every state has its URL and works by keyboard without scripts."""
from __future__ import annotations

from dash import dcc, html

from dashboard.records import RecordPage
from layouts.components import page_header

SEARCH_ID = "records-search"


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)  # ledger text is always shown as text: Dash escapes it


def _header(key: str, label: str, sort: str | None, descending: bool, href) -> html.Th:
    """A column heading that sorts by it (ascending, then descending on a second click)."""
    active = key == sort
    arrow = (" ▼" if descending else " ▲") if active else ""
    state = ("descending" if descending else "ascending") if active else "none"
    return html.Th(html.A(f"{label}{arrow}", href=href(sort=key, desc=active and not descending, page=1),
                          title=f"按“{label}”排序"), scope="col", **{"aria-sort": state})


def table(rp: RecordPage, sort: str | None, descending: bool, href) -> html.Div:
    if not rp.rows:
        return html.P("没有符合条件的记录。", className="empty-note")
    head = html.Tr([_header(c.key, c.label, sort, descending, href) for c in rp.columns])
    body = [html.Tr([html.Td(_cell(v)) for v in row]) for row in rp.rows]
    return html.Div(html.Table([html.Caption(rp.caption), html.Thead(head), html.Tbody(body)],
                               className="table table-sm records-table"), className="table-scroll", tabIndex="0")


def pager(rp: RecordPage, href) -> html.Nav:
    first = (rp.page - 1) * rp.size + 1 if rp.total else 0
    last = min(rp.total, rp.page * rp.size)
    links = []
    if rp.page > 1:
        links.append(html.A("‹ 上一页", href=href(page=rp.page - 1), className="btn btn-outline-secondary btn-sm"))
    links.append(html.Span(f"第 {first}–{last} 条,共 {rp.total:,} 条(第 {rp.page}/{rp.pages} 页)", className="mx-2"))
    if rp.page < rp.pages:
        links.append(html.A("下一页 ›", href=href(page=rp.page + 1), className="btn btn-outline-secondary btn-sm"))
    return html.Nav(links, className="records-pager d-flex align-items-center flex-wrap gap-2 my-2",
                    **{"aria-label": "翻页"})


def search_form(hidden: dict[str, list[str]], search: str) -> html.Form:
    """A GET form: the list's other parameters ride along as hidden fields."""
    fields = [dcc.Input(type="hidden", name=k, value=v) for k, values in hidden.items() for v in values]
    return html.Form([
        *fields,
        html.Label("按名称或编码搜索", htmlFor=SEARCH_ID, className="filter-label me-2 mb-0"),
        dcc.Input(id=SEARCH_ID, name="q", type="search", value=search, maxLength=40, className="form-control me-2",
                  style={"maxWidth": "18rem"}),
        html.Button("搜索", type="submit", className="btn btn-primary btn-sm"),
    ], method="get", className="d-flex align-items-center flex-wrap gap-2 my-2", role="search")


def layout(content: dict, user: str | None = None, admin: bool = False, embedded: bool = False) -> html.Div:
    """``content``: ``error`` (a Chinese message) or ``page`` (a :class:`RecordPage`), ``sort``,
    ``descending``, ``search``, ``href`` (a function of changed parameters giving the URL),
    ``hidden`` (the form's other parameters), ``download`` (the .xlsx URL or None), ``back``,
    ``names_hidden``, ``demo``. ``embedded``: opened through a signed link, framed in another
    page: no page header and no way back to pages the link cannot open."""
    header = None if embedded else page_header("/records", user, admin)
    back = None if embedded else html.A("‹ 返回总览", href=content.get("back", "/"), className="me-3")
    if content.get("error"):
        body = [html.H2("明细记录", className="h4"), html.P(content["error"], role="alert", className="alert alert-warning"),
                *([back] if back else [])]
    else:
        rp: RecordPage = content["page"]
        href = content["href"]
        notes = []
        if content.get("names_hidden"):
            notes.append(html.P("按您的权限,人员姓名等个人信息不予显示。", className="text-muted small"))
        if content.get("demo"):
            notes.append(html.P("演示数据:按规则生成,非真实台账。", className="demo-note small"))
        tools = [back] if back else []
        if content.get("download"):
            tools.append(html.A("下载 Excel(台账格式)", href=content["download"], className="btn btn-outline-primary btn-sm"))
        body = [
            html.H2(rp.caption, className="h4 records-caption", id="records-caption"),
            html.Div(tools, className="d-flex align-items-center flex-wrap gap-2"),
            *notes,
            search_form(content["hidden"], content.get("search", "")),
            pager(rp, href),
            table(rp, content.get("sort"), content.get("descending", False), href),
            pager(rp, href),
        ]
    main = html.Main(body, className="records-page container-fluid")
    return html.Div([header, main] if header else [main], className="records-wrap")
