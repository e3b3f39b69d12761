"""``/admin`` (管理员 only): the users, the signed links (create and revoke) and the audit trail."""
from __future__ import annotations

from html import escape

from flask import Flask, Response, redirect, request

from callbacks.auth import client_address, csrf_token, principal
from dashboard import access, catalogue
from dashboard.access import audit, links, users
from dashboard.indicators import FilterError
from dashboard.query import canonical as canonical_args
from dashboard.query import parse_query
from dashboard.settings import Settings
from dashboard.store import Store
from layouts import auth_pages

NAV = ('<nav class="mb-3"><a href="/">总览</a> · <a href="/admin">用户</a> · <a href="/admin/links">链接</a> · '
       '<a href="/admin/audit">审计记录</a></nav>')


def link_url(info: links.LinkInfo, token: str) -> str:
    return f"{request.host_url.rstrip('/')}{info.path}?link={token}"


def targets() -> list[tuple[str, str]]:
    """What a link may open: the big screen, or a panel for embeds."""
    return [("screen", "大屏(/screen)")] + [(p.id, f"面板:{p.title}") for p in catalogue.on("embed")]


def _utc(moment, seconds: bool = False) -> str:
    """A UTC time as the tables show it (the column says UTC): to the minute, to the second in the audit log."""
    if not moment:
        return "—"
    return f"{moment:%Y-%m-%d %H:%M:%S}" if seconds else f"{moment:%Y-%m-%d %H:%M}"


def register(server: Flask, store: Store, settings: Settings, secret: bytes, html) -> None:  # noqa: ARG001 - as auth.register
    @server.route("/admin")
    def admin_users() -> Response:
        rows = [[u.name, u.display_name, access.ROLE_NAMES[u.role], "、".join(u.streets) or "—",
                 "启用" if u.enabled else "停用", _utc(u.last_login)] for u in users.list_users(store)]
        body = (NAV + '<h2 class="h4">用户</h2>'
                + auth_pages.table(["用户名", "姓名", "角色", "街道", "状态", "最近登录(UTC)"], rows,
                                   "用户由命令行管理:python -m dashboard user add|passwd|disable|list|grant-streets"))
        return html(auth_pages.page("用户", body, wide=True))

    @server.route("/admin/links", methods=["GET", "POST"])
    def admin_links() -> Response:
        message = ""
        if request.method == "POST":
            p = principal()
            try:
                info = links.revoke(store, int(request.form.get("revoke", "0")))
            except (ValueError, links.LinkError) as exc:
                message = f'<div class="alert alert-danger" role="alert">{escape(str(exc))}</div>'
            else:
                audit.record(store, "link-revoke", p.name, client_address(), link=info.id)
                return redirect("/admin/links")
        rows = []
        for info in links.list_links(store):
            revoke = ("html", f'<form method="post" action="/admin/links"><input type="hidden" name="csrf_token" '
                              f'value="{escape(csrf_token())}"><input type="hidden" name="revoke" value="{info.id}">'
                              f'<button class="btn btn-sm btn-outline-danger" type="submit">撤销 #{info.id}</button></form>'
                      ) if info.state() == "有效" else "—"
            rows.append([info.id, info.path, info.query or "(全区)", info.note or "", info.created_by or "—",
                         _utc(info.expires_at), info.state(), revoke])
        body = (NAV + message + '<h2 class="h4">签名链接</h2><p><a class="btn btn-danger" href="/admin/links/new">生成链接</a></p>'
                + auth_pages.table(["编号", "页面", "范围", "说明", "生成人", "到期(UTC)", "状态", ""], rows,
                                   "大屏和嵌入面板凭链接访问,无需登录;撤销后立即失效"))
        return html(auth_pages.page("签名链接", body, wide=True))

    @server.route("/admin/links/new", methods=["GET", "POST"])
    def admin_new_link() -> Response:
        values = request.values
        target, query = values.get("target", "screen"), values.get("query", "")
        days, note = values.get("days", "365"), values.get("note", "")
        error, made = "", ""
        if request.method == "POST":
            p = principal()
            try:
                if target != "screen" and target not in catalogue.PANELS:
                    raise links.LinkError(f"没有“{target}”这个面板")
                with store.engine.connect() as conn:
                    canonical = canonical_args(conn, parse_query(query)).to_query()
                info, token = links.create(store, secret, "screen" if target == "screen" else "embed", target,
                                           canonical, float(days), created_by=p.name, note=note or None)
            except (ValueError, FilterError, links.LinkError) as exc:
                error = str(exc)
            else:
                audit.record(store, "link-create", p.name, client_address(), link=info.id, path=info.path,
                             query=info.query, expires=info.expires_at)
                made = (f'<div class="alert alert-success" role="status">已生成链接 #{info.id},'
                        f"有效至 {escape(str(info.expires_at))}(UTC):<br><code>{escape(link_url(info, token))}</code>"
                        "<br>请妥善保管:持有此链接者无需登录即可查看该页面。</div>")
        options = "".join(f'<option value="{escape(v)}"{" selected" if v == target else ""}>{escape(label)}</option>'
                          for v, label in targets())
        body = (NAV + '<h2 class="h4">生成签名链接</h2>' + made
                + (f'<div class="alert alert-danger" role="alert">{escape(error)}</div>' if error else "")
                + f'<form method="post" action="/admin/links/new"><input type="hidden" name="csrf_token" '
                  f'value="{escape(csrf_token())}">'
                  f'<div class="mb-3"><label class="form-label" for="target">打开</label>'
                  f'<select class="form-select" id="target" name="target">{options}</select></div>'
                  f'<div class="mb-3"><label class="form-label" for="query">筛选条件(查询字符串,如 ?street=明水街道)</label>'
                  f'<input class="form-control" id="query" name="query" value="{escape(query)}"></div>'
                  f'<div class="mb-3"><label class="form-label" for="days">有效期(天)</label>'
                  f'<input class="form-control" id="days" name="days" type="number" min="1" max="{links.MAX_DAYS}" '
                  f'value="{escape(days)}"></div>'
                  f'<div class="mb-3"><label class="form-label" for="note">说明(如:一楼大厅大屏)</label>'
                  f'<input class="form-control" id="note" name="note" value="{escape(note)}"></div>'
                  '<button class="btn btn-danger" type="submit">生成</button></form>')
        return html(auth_pages.page("生成签名链接", body, wide=True))

    @server.route("/admin/audit")
    def admin_audit() -> Response:
        action = request.args.get("action") or None
        rows = [[_utc(e.at, seconds=True), e.user_name or "—", e.action_name, e.address or "—",
                 "; ".join(f"{k}={v}" for k, v in e.detail.items())] for e in audit.entries(store, 300, action)]
        choices = "".join(f'<option value="{escape(k)}"{" selected" if k == action else ""}>{escape(v)}</option>'
                          for k, v in audit.ACTION_NAMES.items())
        pick = (f'<form method="get" action="/admin/audit" class="mb-2 d-flex gap-2 align-items-end">'
                f'<div><label class="form-label" for="action">操作</label><select class="form-select" id="action" '
                f'name="action"><option value="">全部</option>{choices}</select></div>'
                '<button class="btn btn-outline-secondary" type="submit">筛选</button></form>')
        body = NAV + '<h2 class="h4">审计记录</h2>' + pick + auth_pages.table(
            ["时间(UTC)", "用户", "操作", "地址", "详情"], rows, "最近 300 条;完整记录:python -m dashboard audit")
        return html(auth_pages.page("审计记录", body, wide=True))
