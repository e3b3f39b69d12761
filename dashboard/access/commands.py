"""``python -m dashboard user … | link … | audit``: users, signed links and the audit trail
from the command line (deployment scripts rely on these)."""
from __future__ import annotations

import json
import sys

from dashboard.settings import Settings


def register(sub) -> None:
    u = sub.add_parser("user", help="users: add, passwd, disable, enable, list, grant-streets, email")
    us = u.add_subparsers(dest="user_command", required=True)
    add = us.add_parser("add", help="add a user (the password from standard input with --password-stdin)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("admin", "leader", "staff"))
    add.add_argument("--street", action="append", default=[], metavar="CODE-OR-NAME",
                     help="a street of a staff user; repeat for several")
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--must-change", action="store_true", help="the user must change the password at first login")
    pw = us.add_parser("passwd", help="set a user's password (from standard input with --password-stdin)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    pw.add_argument("--must-change", action="store_true")
    for name in ("disable", "enable"):
        us.add_parser(name, help=f"{name} a user").add_argument("name")
    ls = us.add_parser("list", help="list the users")
    ls.add_argument("--json", action="store_true")
    gs = us.add_parser("grant-streets", help="add streets to a staff user (--replace: set them)")
    gs.add_argument("name")
    gs.add_argument("--street", action="append", required=True, metavar="CODE-OR-NAME")
    gs.add_argument("--replace", action="store_true")
    em = us.add_parser("email", help="the address a user's subscribed briefings are mailed to (\"\" clears it)")
    em.add_argument("name")
    em.add_argument("address")
    u.set_defaults(handler=user_command)

    ln = sub.add_parser("link", help="signed links for screens and embeds: create, list, revoke")
    ls2 = ln.add_subparsers(dest="link_command", required=True)
    mk = ls2.add_parser("create", help="a link to the big screen (--screen), one panel (--panel ID) or one "
                                       "明细 list (--records KIND)")
    target = mk.add_mutually_exclusive_group(required=True)
    target.add_argument("--screen", action="store_true")
    target.add_argument("--panel", metavar="PANEL-ID")
    target.add_argument("--records", metavar="KIND", help="a list of records (docs/records.md): names never shown")
    mk.add_argument("--select", action="append", default=[], metavar="KEY=VALUE",
                    help="a list's selector, e.g. type=共享式党员活动室 (repeatable; docs/records.md)")
    mk.add_argument("--street", action="append", default=[], metavar="NAME-OR-CODE")
    mk.add_argument("--branch")
    mk.add_argument("--period")
    mk.add_argument("--as-of")
    mk.add_argument("--expires", default="365d", help="how long it works: 30d, 12h or 90m (default 365d)")
    mk.add_argument("--note", help="where it is used, e.g. 一楼大厅大屏")
    mk.add_argument("--base-url", help="the address users reach the app at (default http://HOST:PORT)")
    mk.add_argument("--by", help="who makes it (for the audit trail)")
    ls2.add_parser("list", help="list the links").add_argument("--json", action="store_true")
    rv = ls2.add_parser("revoke", help="revoke a link by its number")
    rv.add_argument("id", type=int)
    rv.add_argument("--by")
    ln.set_defaults(handler=link_command)

    au = sub.add_parser("audit", help="the audit trail, newest first")
    au.add_argument("--limit", type=int, default=100)
    au.add_argument("--action")
    au.add_argument("--json", action="store_true")
    au.set_defaults(handler=audit_command)


def _fail(prog: str, message: str) -> int:
    print(f"python -m dashboard {prog}: error: {message}", file=sys.stderr)
    return 2


def _password(args) -> str:
    if not args.password_stdin:
        import getpass

        return getpass.getpass("密码:")
    return sys.stdin.readline().rstrip("\r\n")


def user_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the settings
    from dashboard.access import audit, users

    store.migrate()
    cmd = args.user_command
    try:
        if cmd == "add":
            info = users.add_user(store, args.name, _password(args), args.role, args.street, args.display_name,
                                  must_change=args.must_change)
            audit.record(store, "user-add", "cli", None, name=info.name, role=info.role, streets=list(info.streets))
            print(users.describe(info))
        elif cmd == "passwd":
            users.set_password(store, args.name, _password(args), must_change=args.must_change)
            audit.record(store, "user-passwd", "cli", None, name=args.name)
            print(f"{args.name}: password set")
        elif cmd in ("disable", "enable"):
            users.set_enabled(store, args.name, cmd == "enable")
            audit.record(store, f"user-{cmd}", "cli", None, name=args.name)
            print(f"{args.name}: {cmd}d")
        elif cmd == "grant-streets":
            info = users.grant_streets(store, args.name, args.street, replace_all=args.replace)
            audit.record(store, "user-streets", "cli", None, name=info.name, streets=list(info.streets))
            print(users.describe(info))
        elif cmd == "email":
            info = users.set_email(store, args.name, args.address)
            audit.record(store, "email-set", "cli", None, name=info.name)
            print(users.describe(info))
        else:
            rows = users.list_users(store)
            if args.json:
                print(json.dumps([{"name": u.name, "display_name": u.display_name, "role": u.role,
                                   "streets": list(u.streets), "enabled": u.enabled, "email": u.email,
                                   "last_login": u.last_login.isoformat() if u.last_login else None} for u in rows],
                                 ensure_ascii=False))
            else:
                for u in rows:
                    print(users.describe(u))
    except users.UserError as exc:
        return _fail(f"user {cmd}", str(exc))
    return 0


def _days(text: str) -> float:
    units = {"d": 1, "h": 1 / 24, "m": 1 / 1440}
    text = text.strip().lower()
    if text and text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def records_query(kind: str, selects: list[str], filter_query: str) -> str:
    """A list link's fixed query: its filter and its selectors, checked as the page will read them."""
    from urllib.parse import parse_qsl, urlencode

    from dashboard.access import links
    from dashboard.records import Drill

    pairs = []
    for item in selects:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise links.LinkError(f"--select 须写作 键=值,收到“{item}”")
        pairs.append((key.strip(), value.strip()))
    selectors = dict(pairs)
    if len(selectors) != len(pairs):
        raise links.LinkError("--select 的每个键只能给一次")
    Drill.from_query({**dict(parse_qsl(filter_query.lstrip("?"))), **selectors, "kind": kind})
    extra = urlencode(pairs)
    return f"{filter_query}{'&' if filter_query else '?'}{extra}" if extra else filter_query


def link_command(args, store, settings: Settings) -> int:
    from dashboard import access, catalogue
    from dashboard.access import audit, links
    from dashboard.indicators import FilterError
    from dashboard.query import canonical, parse_query

    store.migrate()
    secret = access.secret_key(settings.secret_key)
    cmd = args.link_command
    try:
        if cmd == "create":
            if args.panel and args.panel not in catalogue.PANELS:
                raise links.LinkError(f"没有“{args.panel}”这个面板(python -m dashboard panels 列出全部)")
            raw = {"street": args.street, "branch": args.branch, "period": args.period, "as_of": args.as_of}
            with store.engine.connect() as conn:
                query = canonical(conn, parse_query({k: v for k, v in raw.items() if v})).to_query()
            kind, target = ("embed", args.panel) if args.panel else ("screen", "screen")
            if args.records:
                kind, target = "embed", f"{links.RECORDS_TARGET}{args.records}"
                query = records_query(args.records, args.select, query)
            elif args.select:
                raise links.LinkError("--select 只用于 --records")
            info, token = links.create(store, secret, kind, target, query, _days(args.expires),
                                       created_by=args.by or "cli", note=args.note)
            audit.record(store, "link-create", args.by or "cli", None, link=info.id, path=info.path, query=query,
                         expires=info.expires_at)
            base = (args.base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
            print(f"{base}{info.path}?link={token}")
            print(f"link #{info.id}: {info.path}{query}, expires {info.expires_at:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
        elif cmd == "revoke":
            info = links.revoke(store, args.id)
            audit.record(store, "link-revoke", args.by or "cli", None, link=info.id)
            print(f"link #{info.id}: revoked")
        else:
            rows = links.list_links(store)
            if args.json:
                print(json.dumps([{"id": i.id, "path": i.path, "query": i.query, "note": i.note, "state": i.state(),
                                   "expires_at": i.expires_at.isoformat(), "created_by": i.created_by} for i in rows],
                                 ensure_ascii=False))
            else:
                for i in rows:
                    print(f"{i.id}\t{i.path}{i.query}\t{i.state()}\t{i.expires_at:%Y-%m-%d %H:%M}\t{i.note or ''}")
    except (links.LinkError, FilterError, ValueError) as exc:
        return _fail(f"link {cmd}", str(exc))
    return 0


def audit_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the settings
    from dashboard.access import audit

    store.migrate()
    rows = audit.entries(store, args.limit, args.action)
    if args.json:
        print(json.dumps([{"at": e.at.isoformat(), "user": e.user_name, "action": e.action, "address": e.address,
                           "detail": e.detail} for e in rows], ensure_ascii=False))
    else:
        for e in rows:
            print(f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.user_name or '-'}\t{e.action_name}\t{e.address or '-'}\t"
                  + json.dumps(e.detail, ensure_ascii=False))
    return 0
