"""The pages outside Dash: login, password change, the admin pages and messages. Plain HTML
with every value escaped, the site's own CSS, no scripts."""
from __future__ import annotations

import unicodedata
from html import escape

from dashboard.wording import APP_TITLE, BUREAU

HEAD = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>{title} · {bureau}{app}</title>'
        '<link rel="icon" href="/_favicon.ico">'
        '<link rel="stylesheet" href="/assets/bootstrap/bootstrap.min.css">'
        '<link rel="stylesheet" href="/assets/dashboard.css"></head>')


def page(title: str, body: str, wide: bool = False) -> str:
    width = "container" if wide else "auth-box"
    return (HEAD.format(title=escape(title), bureau=BUREAU, app=APP_TITLE)
            + f'<body class="auth-page"><header class="page-header"><h1><span class="bureau">{BUREAU}</span>'
            f'<span class="app-title">{APP_TITLE}</span></h1></header>'
            f'<main class="{width} my-4">{body}</main></body></html>')


def _error(error: str | None) -> str:
    return f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else ""


def _field(name: str, label: str, kind: str = "password", value: str = "", autocomplete: str = "") -> str:
    auto = f' autocomplete="{autocomplete}"' if autocomplete else ""
    return (f'<div class="mb-3"><label class="form-label" for="{name}">{escape(label)}</label>'
            f'<input class="form-control" id="{name}" name="{name}" type="{kind}" value="{escape(value)}" required{auto}>'
            "</div>")


def login_page(csrf: str, next_path: str, error: str | None = None, username: str = "") -> str:
    body = (f'<h2 class="h4 mb-3">登录</h2>{_error(error)}'
            f'<form method="post" action="/login">'
            f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
            f'<input type="hidden" name="next" value="{escape(next_path)}">'
            + _field("username", "用户名", "text", username, "username")
            + _field("password", "密码", autocomplete="current-password")
            + '<button class="btn btn-danger w-100" type="submit">登录</button></form>'
            '<p class="text-secondary small mt-3">首次启动时的管理员初始密码写在服务器的 data/initial-admin-password.txt 中,'
            "登录后须立即修改。</p>")
    return page("登录", body)


def password_page(csrf: str, forced: bool, error: str | None = None) -> str:
    note = '<div class="alert alert-warning" role="status">这是初始密码,请先设置新密码再继续使用。</div>' if forced else ""
    body = (f'<h2 class="h4 mb-3">修改密码</h2>{note}{_error(error)}'
            f'<form method="post" action="/password"><input type="hidden" name="csrf_token" value="{escape(csrf)}">'
            + _field("old_password", "原密码", autocomplete="current-password")
            + _field("new_password", "新密码(至少 8 位,含字母和数字)", autocomplete="new-password")
            + _field("new_password_again", "再次输入新密码", autocomplete="new-password")
            + '<button class="btn btn-danger w-100" type="submit">保存新密码</button></form>')
    return page("修改密码", body)


def message_page(title: str, message: str) -> str:
    body = (f'<h2 class="h4 mb-3">{escape(title)}</h2><p role="alert">{escape(message)}</p>'
            '<p><a href="/">返回总览</a> · <a href="/login">登录</a></p>')
    return page(title, body)


SHORT_CELL = 20  # columns: a Chinese character takes two, about 8 px each at the pages' size


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: list[str], rows: list[list[str]], caption: str) -> str:
    """A table of escaped cells; a cell given as ``("html", markup)`` is already markup. On a phone
    each row becomes a card whose cells name their column (``data-label``, shown by the style sheet)."""
    def cell(header: str, value) -> str:
        label = f' data-label="{escape(header)}"' if header else ""
        if isinstance(value, tuple) and value[0] == "html":
            return f"<td{label}>{value[1]}</td>"
        text = str(value)
        # a short value (a date, 12 份, a name) is one word: kept on one line, the long ones wrap
        short = ' class="text-nowrap"' if _columns(text) <= SHORT_CELL else ""
        return f"<td{label}{short}>{escape(text)}</td>"

    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(f"<tr>{''.join(cell(h, c) for h, c in zip(headers, row, strict=True))}</tr>" for row in rows) or (
        f'<tr><td colspan="{len(headers)}">暂无记录</td></tr>')
    return (f'<div class="table-responsive"><table class="table table-sm table-stack"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
