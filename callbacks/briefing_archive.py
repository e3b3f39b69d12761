"""``/briefing/archive``: archived briefings for download, the schedules, adding and removing one,
and (with a mail server) subscribing oneself to a schedule's mail and one's own address.
Who may see what is :func:`dashboard.schedules.visible`; adding or removing needs the
``schedule:briefing`` action and a scope the user may see (staff: their own streets); anyone
who may see a schedule may subscribe themselves to it, never someone else."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response, request, send_file

from callbacks.auth import client_address, csrf_token
from callbacks.context import Runtime, principal
from dashboard import schedules
from dashboard.access import STAFF, audit, users
from dashboard.schedules import Rhythm, ScheduleError
from dashboard.schedules.repository import street_names
from dashboard.schedules.text import scope_text
from dashboard.store import utcnow
from layouts import briefing_archive as view

log = logging.getLogger("dashboard.schedules")
MIME = {"pdf": "application/pdf", "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def latest_block(store, p, shown: int = 5) -> str:
    """The archive's newest files this principal may read, for the top of ``/briefing``."""
    names = street_names(store)
    ok = [r for r in schedules.runs(store) if r.state == "ok" and schedules.visible(p, r.streets)]
    return view.latest_block([(r, scope_text(r.streets, names)) for r in ok[:shown]], len(ok))


def register(server: Flask, runtime) -> None:
    def store():
        rt: Runtime = runtime()
        return rt.service.store

    def folder() -> Path:
        return Path(runtime().settings.briefing_dir)

    def scopes(p) -> list[tuple[str, str]]:
        names = street_names(store())
        codes = p.streets if p.role == STAFF else tuple(sorted(names))
        head = [] if p.role == STAFF else [("", "全区")]
        return head + [(c, names.get(c, c)) for c in codes]

    def mail_on() -> bool:
        return bool(runtime().settings.smtp_url)

    def render(message: str = "", error: str = "", values: dict | None = None, status: int = 200) -> Response:
        p, s = principal(), store()
        names = street_names(s)
        mine = schedules.subscriptions(s, p.name) if mail_on() else None
        runs = [r for r in schedules.runs(s) if schedules.visible(p, r.streets)]
        latest: dict = {}
        for r in runs:
            latest.setdefault(r.schedule_id, r)
        today = schedules.local_today(utcnow())
        rows = [view.ScheduleRow(x, scope_text(x.streets, names), x.rhythm.following(today),
                                 latest.get(x.id), p.may("schedule:briefing"), None if mine is None else x.id in mine)
                for x in schedules.schedules(s) if schedules.visible(p, x.streets)]
        me = users.get_user(s, p.name)
        form = view.add_form(csrf_token(), scopes(p), values or {}) if p.may("schedule:briefing") else ""
        return _html(view.page(archive=view.archive_table([(r, scope_text(r.streets, names)) for r in runs]),
                               schedules=view.schedules_table(rows, csrf_token()), form=form,
                               mail=view.mail_form(csrf_token(), me.email if me else None, mail_on()),
                               message=message, error=error), status)

    @server.route(view.ARCHIVE_PATH, methods=["GET", "POST"])
    def briefing_archive() -> Response:
        if request.method == "GET":
            return render()
        p = principal()
        form = request.form
        if form.get("action") in ("subscribe", "unsubscribe", "email"):
            return own_mail(p, form)
        if not p.may("schedule:briefing"):
            return _text(f"{p.role_name}无权安排定期简报。", 403)
        try:
            if form.get("action") == "delete":
                target = schedules.schedule(store(), _whole(form.get("id", ""), "编号"))
                if not schedules.visible(p, target.streets):
                    return _text("无权删除其他街道的定期简报。", 403)
                schedules.delete_schedule(store(), target.id)
                audit.record(store(), "schedule-remove", p.name, client_address(), schedule=target.id)
                return render(f"已删除定期简报“{target.name}”;已生成的文件仍在归档中。")
            streets = tuple(x for x in [form.get("scope", "")] if x)
            if not schedules.visible(p, streets):
                raise ScheduleError("只能为自己负责的街道安排定期简报")
            made = schedules.add_schedule(
                store(), name=form.get("name", ""), streets=streets, fmt=form.get("format", ""),
                rhythm=Rhythm(_whole(form.get("every", ""), "周期"), _whole(form.get("day", ""), "日期")),
                keep=_whole(form.get("keep", ""), "保留份数"), charts=None, created_by=p.name, now=utcnow())
        except ScheduleError as exc:
            return render(error=str(exc), values=dict(form), status=400)
        audit.record(store(), "schedule-add", p.name, client_address(), schedule=made.id, streets=list(made.streets))
        return render(f"已添加定期简报“{made.name}”:{made.rhythm.text}。")

    def own_mail(p, form) -> Response:
        """The user's own address, or their own subscription to a schedule they may see."""
        if not mail_on():
            return render(error="未配置邮件服务器,无法订阅。", status=400)
        try:
            if form.get("action") == "email":
                info = users.set_email(store(), p.name, form.get("email", ""))
                audit.record(store(), "email-set", p.name, client_address())
                return render("已保存邮箱。" if info.email else "已清除邮箱:订阅的简报将不再发给您。")
            target = schedules.schedule(store(), _whole(form.get("id", ""), "编号"))
            if not schedules.visible(p, target.streets):
                return _text("没有这个定期简报,或无权查看。", 404)
            on = form.get("action") == "subscribe"
            schedules.subscribe(store(), target.id, p.name, on)
        except (ScheduleError, users.UserError) as exc:
            return render(error=str(exc), status=400)
        audit.record(store(), "schedule-subscribe" if on else "schedule-unsubscribe", p.name, client_address(),
                     schedule=target.id)
        return render(f"已订阅“{target.name}”:每份新生成的简报会发到您的邮箱。" if on else f"已取消订阅“{target.name}”。")

    @server.route(f"{view.ARCHIVE_PATH}/<int:run_id>")
    def briefing_file(run_id: int) -> Response:
        r = schedules.run(store(), run_id)
        # an unknown run and one of another street answer alike: nothing tells them apart
        if r is None or not schedules.visible(principal(), r.streets) or r.state != "ok" or not r.file_name:
            return _text("没有这份简报,或无权查看。", 404)
        path = (folder() / r.file_name).resolve()
        if path.parent != folder().resolve() or not path.is_file():
            log.error("archived briefing %s is missing from %s", run_id, folder())
            return _text("这份简报的文件已不在归档文件夹中。", 404)
        response = send_file(path, mimetype=MIME[r.format], as_attachment=True, download_name=path.name)
        ascii_name = f"briefing-{r.due_on.isoformat()}-{r.id}.{r.format}"
        response.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                                   f"filename*=UTF-8''{quote(path.name)}")
        response.headers["Cache-Control"] = "no-store"
        return response


def _whole(raw: str, what: str) -> int:
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise ScheduleError(f"{what}应为正整数")
    return int(text)
