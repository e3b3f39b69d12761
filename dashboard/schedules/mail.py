"""Scheduled briefings by mail: each run's file to its schedule's subscribers.

Each subscriber gets a message of their own (no one sees the others' addresses), over one
connection. A subscriber is sent to only while they may still see the schedule's scope (the
same rule as the archive page: a street's staff get their streets' briefings only), are
enabled and have an address. An address the server refuses for good is reported, not
retried; a server that cannot be reached, refuses the login or fails part-way is retried by
the runner, to those not yet sent to only.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from dashboard.schedules import repository as repo
from dashboard.schedules.repository import FORMATS, Run
from dashboard.schedules.text import may_receive, scope_text
from dashboard.settings import Settings
from dashboard.smtp import Letter, deliver, parse_server
from dashboard.store import Store
from dashboard.wording import day_zh

log = logging.getLogger("dashboard.schedules")

STATE_WORDS = {"sent": "已发送", "partly": "部分发送", "failed": "发送失败"}


def letter(r: Run, scope: str, file: Path) -> Letter:
    day = day_zh(r.due_on)
    return Letter(
        subject=f"{r.name}:{scope}(数据截至{day})",
        body=(f"附件是定期简报“{r.name}”:{scope},数据截至{day},{FORMATS[r.format]}。\n"
              "也可在看板的“简报归档”页面下载。\n\n"
              "此邮件由章丘区委老干部局党建看板按定期简报的设置自动发送;"
              "如不再需要,请在“简报归档”页面取消订阅。\n"),
        file=file, format=r.format)


def _not_sent(notes: list[str]) -> str:
    return "未发送给 " + "、".join(notes)


def mail_run(store: Store, settings: Settings, r: Run, file: Path, now: dt.datetime) -> Run:
    """Send the run's file to its schedule's subscribers not yet sent to, and record how it went.
    Nothing is recorded when no server is configured or nobody is to receive it."""
    if not settings.smtp_url or r.schedule_id is None:
        return r
    already = set(r.mailed_to)
    to, skipped = [], []
    for sub in repo.subscribers(store, r.schedule_id):
        if sub.name in already:
            continue
        if not may_receive(sub, r.streets):
            skipped.append(f"{sub.name}(无权查看此范围)")
        elif not sub.email:
            skipped.append(f"{sub.name}(未填写邮箱)")
        else:
            to.append((sub.name, sub.email))
    if not to:
        if not r.mail_state and not skipped:
            return r
        state = ("partly" if skipped else "sent") if r.mailed_to else None
        return repo.record_mail(store, r.id, now, state=state, sent=r.mailed_to,
                                message=_not_sent(skipped) if skipped else None)
    done = deliver(parse_server(settings.smtp_url), settings.mail_from,
                   letter(r, scope_text(r.streets, repo.street_names(store)), file), to)
    handled = tuple(r.mailed_to) + done.sent + tuple(name for name, _ in done.refused)  # never again
    notes = [f"{name}(退信 {why})" for name, why in done.refused] + skipped
    if done.error:
        log.error("mailing scheduled briefing run %s failed (attempt %d): %s", r.id, r.mail_attempts + 1, done.error)
        return repo.record_mail(store, r.id, now, state="failed", sent=handled,
                                message=done.error + (";" + _not_sent(notes) if notes else ""))
    log.info("scheduled briefing run %s mailed to %d users", r.id, len(done.sent))
    return repo.record_mail(store, r.id, now, state="partly" if notes else "sent", sent=handled,
                            message=_not_sent(notes) if notes else None)
