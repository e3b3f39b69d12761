"""归档与定期简报 (``/briefing/archive``): the archived briefings one may read, the schedules, and
the form to add one. Plain HTML with every value escaped, no scripts (as the admin pages)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from dashboard.schedules import EVERY, FORMATS, MAIL_WORDS, STATE_WORDS, Run, Schedule
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
    following: dt.date
    latest: Run | None
    removable: bool
    subscribed: bool | None = None   # None: no mail server, nothing to subscribe to


def _size(n: int | None) -> str:
    if not n:
        return "—"
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def run_state(r: Run) -> str:
    word = STATE_WORDS[r.state]
    if r.state == "failed":
        return f"{word}(已尝试 {r.attempts} 次):{r.message or ''}"
    if r.mail_state == "failed":
        return f"{word} · 邮件{MAIL_WORDS['failed']}(已尝试 {r.mail_attempts} 次):{r.mail_message or ''}"
    if r.mail_state or r.mail_message:
        mailed = f"邮件{MAIL_WORDS[r.mail_state]}" if r.mail_state else "邮件未发送"
        return f"{word} · {mailed}" + (f" · {r.mail_message}" if r.mail_message else "")
    return word


def _post_button(csrf: str, action: str, schedule_id: int, label: str, name: str, style: str) -> str:
    return (f'<form method="post" action="{ARCHIVE_PATH}"><input type="hidden" name="csrf_token" '
            f'value="{escape(csrf)}"><input type="hidden" name="action" value="{action}">'
            f'<input type="hidden" name="id" value="{schedule_id}">'
            f'<button class="btn btn-sm text-nowrap {style}" type="submit" aria-label="{label}定期简报 {escape(name)}">{label}</button>'
            '</form>')


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
    mail = any(item.subscribed is not None for item in items)
    for item in items:
        s = item.schedule
        remove = ("html", _post_button(csrf, "delete", s.id, "删除", s.name, "btn-outline-danger")) if item.removable else "—"
        latest = "尚未运行" if item.latest is None else f"{day_zh(item.latest.due_on)} {run_state(item.latest)}"
        row = [s.id, s.name, item.scope, s.rhythm.text, FORMATS[s.format], f"{s.keep} 份", day_zh(item.following), latest]
        if mail:
            row.append(("html", _post_button(csrf, "unsubscribe", s.id, "取消订阅", s.name, "btn-outline-secondary")
                        if item.subscribed else _post_button(csrf, "subscribe", s.id, "订阅", s.name, "btn-outline-secondary")))
        rows.append([*row, remove])
    headers = ["编号", "名称", "范围", "周期", "格式", "保留", "下次", "最近一次", *(["邮件"] if mail else []), "操作"]
    return auth_pages.table(headers, rows,
                            "由服务器按周期自动生成;也可用 python -m dashboard briefing-run-due 由定时任务运行"
                            + (";订阅后,每份新生成的简报会发到您的邮箱" if mail else ""))


def mail_form(csrf: str, address: str | None, configured: bool) -> str:
    """Where the user's subscribed briefings are mailed (when a mail server is configured)."""
    if not configured:
        return '<p class="text-secondary">未配置邮件服务器(DASHBOARD_SMTP_URL),定期简报只在本页归档,不发送邮件。</p>'
    return (f'<form method="post" action="{ARCHIVE_PATH}" class="row g-2 align-items-end mb-3">'
            f'<input type="hidden" name="csrf_token" value="{escape(csrf)}"><input type="hidden" name="action" value="email">'
            '<div class="col-12 col-md-6"><label class="form-label" for="email">我的邮箱(订阅的定期简报发到这里)</label>'
            f'<input class="form-control" id="email" name="email" type="email" maxlength="254" autocomplete="email" '
            f'value="{escape(address or "")}" placeholder="例如 zhangsan@zhangqiu.gov.cn"></div>'
            '<div class="col-auto"><button class="btn btn-outline-secondary" type="submit">保存邮箱</button></div></form>'
            + ("" if address else '<p class="text-secondary">尚未填写邮箱:订阅的简报无法发给您。</p>'))


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


def page(*, archive: str, schedules: str, form: str, mail: str = "", message: str = "", error: str = "") -> str:
    alert = (f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else "") + (
        f'<div class="alert alert-success" role="status">{escape(message)}</div>' if message else "")
    body = (NAV + alert + '<h2 class="h4">简报归档</h2>' + archive
            + '<h2 class="h4 mt-4">定期简报</h2>' + mail + schedules
            + ('<h3 class="h5 mt-4">添加定期简报</h3>' + form if form else ""))
    return auth_pages.page("简报归档", body, wide=True)


def latest_block(items: list[tuple[Run, str]], total: int) -> str:
    """Above the briefing on screen (never printed): the newest archived briefings one may read."""
    lis = "".join(f'<li><a href="{ARCHIVE_PATH}/{r.id}">{escape(day_zh(r.due_on))} {escape(r.name)}'
                  f'({escape(scope)},{escape(r.format.upper())})</a></li>' for r, scope in items)
    listing = f"<ul>{lis}</ul>" if lis else "<p>暂无已生成的定期简报。</p>"
    return (f'<nav class="archive screen-only" aria-labelledby="archive-title"><h2 id="archive-title">归档</h2>'
            f'{listing}<p><a href="{ARCHIVE_PATH}">全部归档({total} 份)与定期简报设置</a> · <a href="/">返回总览</a></p></nav>')
