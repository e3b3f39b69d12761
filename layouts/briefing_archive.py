"""归档与定期简报 (``/briefing/archive``): the archived briefings one may read, the schedules, and
the form to add one. Plain HTML with every value escaped, no scripts (as the admin pages)."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from dashboard.schedules import EVERY, FORMATS, STATE_WORDS, Run, Schedule
from dashboard.schedules.rhythm import LAST_DAY
from dashboard.wording import day_zh
from layouts import auth_pages

ARCHIVE_PATH = "/briefing/archive"
NAV = ('<nav class="mb-3" aria-label="页面"><a href="/">总览</a> · <a href="/briefing">简报</a> · '
       f'<a href="{ARCHIVE_PATH}" aria-current="page">归档与定期简报</a></nav>')


@dataclass(frozen=True)
class ScheduleRow:
    schedule: Schedule
    scope: str
    following: str
    latest: Run | None
    removable: bool


def _size(n: int | None) -> str:
    if not n:
        return "—"
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def run_state(r: Run) -> str:
    word = STATE_WORDS[r.state]
    if r.state == "failed":
        return f"{word}(已尝试 {r.attempts} 次):{r.message or ''}"
    return word


def archive_table(items: list[tuple[Run, str]]) -> str:
    rows = []
    for r, scope in items:
        link = (("html", f'<a href="{ARCHIVE_PATH}/{r.id}">下载 {escape(r.format.upper())}</a>')
                if r.state == "ok" else "—")
        rows.append([day_zh(r.due_on), r.name, scope, FORMATS[r.format], run_state(r), _size(r.size), link])
    return auth_pages.table(["日期", "名称", "范围", "格式", "状态", "大小", "文件"], rows,
                            "每份定期简报的数据截至其日期;失败的会自动重试")


def schedules_table(items: list[ScheduleRow], csrf: str) -> str:
    rows = []
    for item in items:
        s = item.schedule
        remove = (("html", f'<form method="post" action="{ARCHIVE_PATH}"><input type="hidden" name="csrf_token" '
                           f'value="{escape(csrf)}"><input type="hidden" name="action" value="delete">'
                           f'<input type="hidden" name="id" value="{s.id}">'
                           f'<button class="btn btn-sm btn-outline-danger" type="submit" '
                           f'aria-label="删除定期简报 {escape(s.name)}">删除</button></form>') if item.removable else "—")
        latest = "尚未运行" if item.latest is None else f"{day_zh(item.latest.due_on)} {run_state(item.latest)}"
        rows.append([s.id, s.name, item.scope, s.rhythm.text, FORMATS[s.format], f"{s.keep} 份", item.following,
                     latest, remove])
    return auth_pages.table(["编号", "名称", "范围", "周期", "格式", "保留", "下次", "最近一次", "操作"], rows,
                            "由服务器按周期自动生成;也可用 python -m dashboard briefing-run-due 由定时任务运行")


def _options(pairs: list[tuple[str, str]], chosen: str) -> str:
    return "".join(f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(label)}</option>'
                   for v, label in pairs)


def add_form(csrf: str, scopes: list[tuple[str, str]], values: dict[str, str]) -> str:
    """The form; ``scopes`` are (value, label) of the scopes this user may choose ("" = 全区)."""
    def field(name: str, label: str, control: str) -> str:
        return f'<div class="col-12 col-md-4 mb-3"><label class="form-label" for="{name}">{label}</label>{control}</div>'

    every = [(str(k), v) for k, v in EVERY.items()]
    return (f'<form method="post" action="{ARCHIVE_PATH}" class="card card-body mb-4">'
            f'<input type="hidden" name="csrf_token" value="{escape(csrf)}"><input type="hidden" name="action" value="add">'
            '<div class="row">'
            + field("name", "名称", f'<input class="form-control" id="name" name="name" required maxlength="60" '
                                    f'value="{escape(values.get("name", ""))}">')
            + field("scope", "范围", f'<select class="form-select" id="scope" name="scope">'
                                     f'{_options(scopes, values.get("scope", ""))}</select>')
            + field("format", "格式", f'<select class="form-select" id="format" name="format">'
                                      f'{_options(list(FORMATS.items()), values.get("format", "pdf"))}</select>')
            + field("every", "周期", f'<select class="form-select" id="every" name="every">'
                                     f'{_options(every, values.get("every", "1"))}</select>')
            + field("day", f"日期(每月第几日,1–{LAST_DAY})",
                    f'<input class="form-control" id="day" name="day" type="number" min="1" max="{LAST_DAY}" '
                    f'value="{escape(values.get("day", "1"))}" required>')
            + field("keep", "保留份数", f'<input class="form-control" id="keep" name="keep" type="number" min="1" '
                                        f'max="120" value="{escape(values.get("keep", "12"))}" required>')
            + '</div><div><button class="btn btn-danger" type="submit">添加定期简报</button></div></form>')


def page(*, archive: str, schedules: str, form: str, message: str = "", error: str = "") -> str:
    alert = (f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else "") + (
        f'<div class="alert alert-success" role="status">{escape(message)}</div>' if message else "")
    body = (NAV + alert + '<h2 class="h4">简报归档</h2>' + archive
            + '<h2 class="h4 mt-4">定期简报</h2>' + schedules
            + ('<h3 class="h5 mt-4">添加定期简报</h3>' + form if form else ""))
    return auth_pages.page("简报归档", body, wide=True)


def latest_block(items: list[tuple[Run, str]], total: int) -> str:
    """Above the briefing on screen (never printed): the newest archived briefings one may read."""
    lis = "".join(f'<li><a href="{ARCHIVE_PATH}/{r.id}">{escape(day_zh(r.due_on))} {escape(r.name)}'
                  f'({escape(scope)},{escape(r.format.upper())})</a></li>' for r, scope in items)
    listing = f"<ul>{lis}</ul>" if lis else "<p>暂无已生成的定期简报。</p>"
    return (f'<nav class="archive screen-only" aria-labelledby="archive-title"><h2 id="archive-title">归档</h2>'
            f'{listing}<p><a href="{ARCHIVE_PATH}">全部归档({total} 份)与定期简报设置</a> · <a href="/">返回总览</a></p></nav>')
