"""台账导入 (``/data``): upload, preview, confirm; the audit log; template and export downloads.

Pure builders: plain data in (counts, problems, log entries), component trees out; no queries.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.ledger import DEFAULT_MAX_ROWS
from layouts import ledger_ids as ids
from layouts.components import empty_note, page_header

# the counts the preview and the log show, in this order
COUNT_COLUMNS = (("new", "新增"), ("changed", "修改"), ("closed", "结束"), ("unchanged", "无变化"))
MAX_PROBLEM_ROWS = 500
LEVEL_TEXT = {"error": "错误", "notice": "提示"}

WHAT_CONFIRM_DOES = (
    "确认导入后,文件中的每一行按编码(街道编码、组织编码、人员编码、站点编码、队伍编码、活动编码)写入看板:"
    "编码已有的记录按文件更新,新的编码新增一条。导入不会删除任何记录,也不会清空现有数据(包括演示数据);"
    "文件中没有的记录保持不变,记录只因填写了撤销、转出、停用、解散或退出日期而结束。"
    "有任何错误时什么都不写入;没有错误时全部内容一次写入。每次确认都记入下方的导入记录。"
)




def panel(panel_id: str, title: str, body, className: str = "") -> html.Section:
    """A titled card like the other pages' panels (no 嵌入/导出 menu: nothing here is a chart)."""
    return html.Section(dbc.Card([
        dbc.CardHeader(html.H2(title, className="panel-title", id=f"{panel_id}-title"), className="panel-header"),
        dbc.CardBody(body, className="panel-body"),
    ], className=f"panel h-100 {className}"), id=f"{panel_id}-card", className="h-100",
        **{"aria-labelledby": f"{panel_id}-title"})


def _download(text: str, href: str, link_id: str, hint: str) -> html.A:
    return html.A(text, href=href, id=link_id, download="", className="btn btn-outline-secondary data-download",
                  title=hint)


def upload_box(max_mb: int) -> html.Div:
    """The drop zone, with a visible label; the inner element carries the accessible name."""
    return html.Div([
        html.Div("选择或拖入台账文件", id=ids.UPLOAD_LABEL, className="data-upload-label"),
        dcc.Upload(
            id=ids.UPLOAD, multiple=True, className="data-upload", className_active="data-upload active",
            children=html.Div([
                html.Span("把台账文件拖到这里,或", className="data-upload-text"),
                html.Span("点击选择文件", className="data-upload-pick"),
            ], role="button", tabIndex="0", className="data-upload-target",
                **{"aria-label": "把台账文件拖到这里,或点击选择文件(也可按回车键;可多选,.xlsx 或 .csv)",
                   "aria-describedby": f"{ids.UPLOAD}-hint"}),
        ),
        html.P([
            f"可一次选择多个文件:一个 .xlsx 工作簿,或每个工作表一个 .csv 文件(文件名即工作表名称,如“人员.csv”)。"
            f"单个文件不超过 {max_mb} MB。上传后只做检查和预览,不写入任何数据。",
        ], id=f"{ids.UPLOAD}-hint", className="data-hint"),
    ], role="group", **{"aria-labelledby": ids.UPLOAD_LABEL})


def export_form(years: Sequence[int]) -> html.Form:
    """导出当前数据: a plain GET form (it works before the page's scripts have loaded), the whole
    ledger or one year of it."""
    return html.Form([
        html.Label("导出范围", htmlFor=ids.EXPORT_YEAR, className="data-export-label"),
        html.Select([html.Option("全部年份", value="")] + [html.Option(f"{y}年", value=str(y)) for y in years],
                    id=ids.EXPORT_YEAR, name="year", className="form-select form-select-sm data-export-year",
                    **{"aria-describedby": f"{ids.EXPORT_YEAR}-hint"}),
        html.Button("导出当前数据(.xlsx)", id=ids.EXPORT_LINK, type="submit",
                    className="btn btn-outline-secondary data-download"),
    ], action=ids.EXPORT_URL, method="get", className="data-export-form")


def layout(max_mb: int = 20, refresh_seconds: int = 10,  # noqa: ARG001 - the page refreshes through its callbacks
           user: str | None = None, admin: bool = False, years: Sequence[int] = (), max_rows: int = DEFAULT_MAX_ROWS,
           **_query) -> html.Div:
    """The page for ``/data``; ``years``: those the export may be narrowed to. The query string is ignored."""
    return html.Div([
        dcc.Store(id=ids.TOKEN),
        dcc.Store(id=ids.LOG_VERSION, data=0),
        page_header("/data", user, admin),
        html.Main([
            html.H2("台账导入", className="data-page-title"),
            dbc.Row([
                dbc.Col(panel("data-upload-panel", "1. 上传并检查", [
                    upload_box(max_mb),
                    html.Div([
                        _download("下载空白模板(.xlsx)", ids.TEMPLATE_URL, ids.TEMPLATE_LINK,
                                  "空白台账工作簿:含填写说明和下拉选项"),
                        export_form(years),
                    ], className="data-downloads"),
                    html.P(f"导出的数据格式与模板相同,修改后可再导入。一次导入最多 {max_rows:,} 行:"
                           "台账超过时请按年度导出,每个文件含该年的活动、活动参与和走访慰问记录以及全部名册,可逐年导入。",
                           id=f"{ids.EXPORT_YEAR}-hint", className="data-hint"),
                ]), lg=5, className="mb-3"),
                dbc.Col(panel("data-confirm-panel", "2. 核对预览,确认导入", [
                    html.P(WHAT_CONFIRM_DOES, className="data-explain", id=f"{ids.CONFIRM}-explain"),
                    html.Div([
                        html.Button("确认导入", id=ids.CONFIRM, disabled=True, type="button", className="btn btn-danger me-2",
                                    **{"aria-describedby": f"{ids.CONFIRM}-explain"}),
                        html.Button("取消", id=ids.CANCEL, disabled=True, type="button",
                                    className="btn btn-outline-secondary"),
                    ], className="data-actions"),
                ]), lg=7, className="mb-3"),
            ], className="g-3"),
            html.Div(id=ids.MESSAGE, role="status", className="data-message", **{"aria-live": "polite"}),
            dcc.Loading(html.Div(id=ids.PREVIEW, className="data-preview"), parent_className="data-preview-wrap",
                        target_components={ids.PREVIEW: "children"}, delay_show=200,
                        overlay_style={"visibility": "visible", "opacity": 0.4},
                        custom_spinner=html.Div([dbc.Spinner(size="sm", spinner_class_name="me-2"),
                                                 "正在处理,请稍候……(大的文件需要十几秒)"], className="data-busy")),
            panel("data-log-panel", "导入记录", html.Div(id=ids.LOG), className="data-log-panel"),
        ], className="page-main"),
        html.Footer(["台账格式见 docs/ledger.md · 时间为服务器所在地时间 · 本看板不连接互联网"], className="page-footer"),
    ], className="data-page")


# --- the preview ------------------------------------------------------------------------------

def _th(text: str, **kw) -> html.Th:
    return html.Th(text, scope="col", **kw)


def counts_table(sheets: Mapping[str, object], will_apply: bool = True) -> html.Div:
    """Rows new/changed/closed/unchanged per sheet (SheetCounts or dicts), with a total row."""
    def get(c, key):
        return c[key] if isinstance(c, Mapping) else getattr(c, key)

    def cell(c, key):
        n = get(c, key)
        return html.Td(f"{n:,}", className=f"count-{key}" if n else "count-zero")

    head = html.Thead(html.Tr([_th("工作表"), _th("文件中的行数", className="num")]
                              + [_th(label, className="num") for _, label in COUNT_COLUMNS]))
    body = [html.Tr([html.Th(name, scope="row"), html.Td(f"{get(c, 'rows'):,}")]
                    + [cell(c, key) for key, _ in COUNT_COLUMNS])
            for name, c in sheets.items()]
    totals = {key: sum(get(c, key) for c in sheets.values()) for key in ("rows", *dict(COUNT_COLUMNS))}
    foot = html.Tfoot(html.Tr([html.Th("合计", scope="row"), html.Td(f"{totals['rows']:,}")]
                              + [html.Td(f"{totals[key]:,}") for key, _ in COUNT_COLUMNS]))
    return html.Div(html.Table([
        html.Caption("各工作表的变化(预览,尚未写入)" if will_apply else "各工作表的行数(有错误,不会导入)"), head, html.Tbody(body), foot,
    ], className="table table-sm data-table counts-table", id="data-counts-table"), className="data-table-box")


def problems_table(problems: Iterable, errors: int, notices: int, omitted: int = 0) -> html.Div:
    """Every problem: level, file, sheet, row, column and the reason; errors first."""
    rows = sorted(problems, key=lambda p: (0 if p.is_error else 1, p.file or "", p.sheet or "", p.row or 0))
    shown = rows[:MAX_PROBLEM_ROWS]
    hidden = len(rows) - len(shown) + omitted
    head = html.Thead(html.Tr([_th("级别"), _th("文件"), _th("工作表"), _th("行"), _th("列"), _th("原因")]))
    body = [html.Tr([
        html.Td(html.Span(LEVEL_TEXT.get(p.level, p.level), className=f"level level-{p.level}")),
        html.Td(p.file or "—", className="cell-file"),
        html.Td(p.sheet or "—"),
        html.Td("—" if p.row is None else str(p.row), className="cell-num"),
        html.Td(p.column or "—"),
        html.Td(p.message, className="cell-reason"),
    ], className=f"problem problem-{p.level}") for p in shown]
    caption = f"检查发现的问题:{errors} 个错误,{notices} 个提示"
    children = [html.Div(html.Table([html.Caption(caption), head, html.Tbody(body)],
                                    className="table table-sm data-table problems-table", id="data-problems-table"),
                         className="data-table-box problems-box")]
    if hidden > 0:
        children.append(html.P(f"另有 {hidden} 条问题未列出;请先改正上面的问题再上传。", className="data-hint"))
    return html.Div(children)


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size / 1048576:,.1f} MB"


def files_line(files: Iterable) -> html.P:
    items = [f"{f.name}({size_text(f.size)},SHA-256 {f.sha256[:12]}…)" for f in files]
    return html.P("已检查的文件:" + ";".join(items) if items else "没有可读的文件", className="data-files")


def preview_view(preview, will_apply: bool = True) -> html.Section:
    """The counts and the problems of a checked (or re-checked) preview."""
    parts = [html.H2("预览", className="panel-title", id="data-preview-title"), files_line(preview.files)]
    if preview.sheets:
        parts.append(counts_table(preview.sheets, will_apply and preview.ok))
    if preview.problems:
        parts.append(problems_table(preview.problems, preview.errors, preview.notices, preview.omitted))
    return html.Section(dbc.Card(dbc.CardBody(parts)), className="mb-3",
                        **{"aria-labelledby": "data-preview-title"})


def count_words(totals: Mapping[str, int]) -> str:
    return ",".join(f"{label} {totals.get(key, 0):,} 行" for key, label in COUNT_COLUMNS)


def totals_of(sheets: Mapping[str, object]) -> dict[str, int]:
    out = {key: 0 for key, _ in COUNT_COLUMNS}
    for name, c in sheets.items():
        if name.startswith("_"):
            continue
        for key in out:
            out[key] += c.get(key, 0) if isinstance(c, Mapping) else getattr(c, key)
    return out


def message(text: str, color: str) -> dbc.Alert:
    return dbc.Alert(text, color=color, className="mb-3")


# --- the audit log ----------------------------------------------------------------------------

def local_time(at: dt.datetime | None) -> str:
    """The log keeps UTC (naive): shown in the server's local time, like the other pages."""
    if at is None:
        return "—"
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return f"{at.astimezone():%Y-%m-%d %H:%M:%S}"


OUTCOME_CLASS = {"applied": "status-green", "unchanged": "status-none", "rejected": "status-red", "failed": "status-red"}


def log_table(entries: list[dict]) -> html.Div:
    if not entries:
        return empty_note("还没有导入记录")
    head = html.Thead(html.Tr([_th("时间"), _th("操作人"), _th("文件"), _th("校验码(SHA-256)"),
                               _th("数量"), _th("结果")]))
    body = []
    for e in entries:
        sums = e.get("sha256") or ""
        short = [html.Span(f"{s[:12]}…", title=s, className="sha") for s in sums.split(",") if s]
        totals = totals_of(e.get("counts") or {})
        result = [html.Span(e.get("outcome_zh") or e.get("outcome") or "—",
                            className=f"status {OUTCOME_CLASS.get(e.get('outcome'), 'status-none')}")]
        if e.get("message"):
            result.append(html.Div(e["message"], className="log-message"))
        body.append(html.Tr([
            html.Td(html.Time(local_time(e.get("at")), dateTime=f"{e['at']:%Y-%m-%dT%H:%M:%S}Z" if e.get("at") else None),
                    className="cell-time"),
            html.Td(e.get("user_name") or "—"),
            html.Td(e.get("file_name") or "—", className="cell-file"),
            html.Td(short or "—", className="cell-sha"),
            html.Td(count_words(totals), className="cell-counts"),
            html.Td(result, className="cell-result"),
        ]))
    return html.Div(html.Table([html.Caption(f"最近 {len(entries)} 次导入(最新在前;时间为服务器所在地时间)"),
                                head, html.Tbody(body)],
                               className="table table-sm data-table log-table", id="data-log-table"),
                    className="data-table-box log-box")
