"""``python -m dashboard schedule add|list|remove`` and ``briefing-run-due`` (for cron or a
systemd timer, when the server's own runner is off or as well: the store's lease keeps one
runner at a time)."""
from __future__ import annotations

from dashboard.settings import Settings

RHYTHMS = "1 = 每月, 2 = 每两个月, 3 = 每季度, 4, 6 = 每半年, 12 = 每年"


def register(sub) -> None:
    s = sub.add_parser("schedule", help="scheduled briefings: add, list, remove")
    ssub = s.add_subparsers(dest="schedule_command", required=True)
    add = ssub.add_parser("add", help="a briefing made by itself on a rhythm")
    add.add_argument("--name", required=True, help="e.g. 月度简报")
    add.add_argument("--street", action="append", default=[], help="a street code or name (repeatable; none: 全区)")
    add.add_argument("--format", choices=("pdf", "pptx"), default="pdf")
    add.add_argument("--every-months", type=int, default=1, help=RHYTHMS)
    add.add_argument("--day", type=int, default=1, help="day of the month, 1–28")
    add.add_argument("--keep", type=int, default=12, help="how many of its files to keep")
    add.add_argument("--charts", metavar="IDS", help="comma-separated panel ids (default: the briefing's own)")
    add.set_defaults(handler=add_command)
    ls = ssub.add_parser("list", help="the schedules and their latest runs")
    ls.set_defaults(handler=list_command)
    rm = ssub.add_parser("remove", help="remove a schedule (its files stay in the archive)")
    rm.add_argument("id", type=int)
    rm.set_defaults(handler=remove_command)
    sb = ssub.add_parser("subscribe", help="mail a schedule's briefings to a user (who must be allowed to see its scope)")
    sb.add_argument("id", type=int)
    sb.add_argument("--user", required=True)
    sb.add_argument("--off", action="store_true", help="stop mailing them to the user")
    sb.set_defaults(handler=subscribe_command)
    due = sub.add_parser("briefing-run-due", help="run the briefing schedules that are due, once (cron, systemd timer)")
    due.set_defaults(handler=run_due_command)


def add_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - one signature for all
    from dashboard.briefing import BriefingError, parse_charts
    from dashboard.export.commands import fail
    from dashboard.schedules import Rhythm, ScheduleError, add_schedule
    from dashboard.store import utcnow

    try:
        charts = parse_charts(args.charts) if args.charts else None
        s = add_schedule(store, name=args.name, streets=args.street, fmt=args.format,
                         rhythm=Rhythm(args.every_months, args.day), keep=args.keep, charts=charts,
                         created_by="cli", now=utcnow())
    except (ScheduleError, BriefingError) as exc:
        return fail("schedule add", str(exc))
    print(f"已添加定期简报 #{s.id}“{s.name}”:{s.rhythm.text},{s.format},保留 {s.keep} 份")
    return 0


def list_command(args, store, settings: Settings) -> int:  # noqa: ARG001
    from dashboard.schedules import describe, runs, schedules

    latest = {}
    for r in runs(store):
        latest.setdefault(r.schedule_id, r)
    for s in schedules(store):
        print(describe(store, s, latest.get(s.id)))
    return 0


def remove_command(args, store, settings: Settings) -> int:  # noqa: ARG001
    from dashboard.export.commands import fail
    from dashboard.schedules import ScheduleError, delete_schedule

    try:
        delete_schedule(store, args.id)
    except ScheduleError as exc:
        return fail("schedule remove", str(exc))
    print(f"已删除定期简报 #{args.id}(已生成的文件仍在归档中)")
    return 0


def subscribe_command(args, store, settings: Settings) -> int:
    from dashboard.access import audit, users
    from dashboard.export.commands import fail
    from dashboard.schedules import ScheduleError, schedule, subscribe
    from dashboard.schedules.text import may_receive

    try:
        target = schedule(store, args.id)
        info = users.get_user(store, args.user)
        if info is None:
            raise ScheduleError(f"没有用户“{args.user}”")
        if not args.off and not may_receive(info, target.streets):
            raise ScheduleError(f"用户“{info.name}”不能接收这份定期简报(已停用,或无权查看其范围)")
        subscribe(store, target.id, info.name, not args.off)
    except ScheduleError as exc:
        return fail("schedule subscribe", str(exc))
    audit.record(store, "schedule-unsubscribe" if args.off else "schedule-subscribe", "cli", None,
                 schedule=target.id, name=info.name)
    if args.off:
        print(f"已取消 {info.name} 对定期简报 #{target.id} 的订阅")
    else:
        print(f"已为 {info.name} 订阅定期简报 #{target.id}“{target.name}”" + ("" if info.email else "(该用户尚未填写邮箱)")
              + ("" if settings.smtp_url else ";未配置 DASHBOARD_SMTP_URL,暂不发送"))
    return 0


def run_due_command(args, store, settings: Settings) -> int:  # noqa: ARG001
    from dashboard.schedules import run_due

    outcomes = run_due(store, settings)
    if outcomes is None:
        print("另一个进程正在运行定期简报,本次未运行")
        return 0
    failed = 0
    for o in outcomes:
        if o.run.state == "ok":
            print(f"已生成:{o.path}")
        else:
            failed += 1
            print(f"失败(第 {o.run.attempts} 次):{o.run.name} {o.run.due_on}:{o.run.message}")
    if not outcomes:
        print("没有到期的定期简报")
    return 1 if failed else 0
