"""``python -m dashboard backup --out FILE`` and ``python -m dashboard restore FILE [--yes]``:
the whole store to one portable file and back (see dashboard/backup.py and docs/deploy.md)."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from dashboard.settings import Settings

# the file name of a backup written into a directory; names sort by time (--keep relies on it)
DIR_PATTERN = "dashboard-*.sqlite3"


def register(sub) -> None:
    b = sub.add_parser("backup", help="write the whole store to one file (a SQLite file), while the app serves")
    b.add_argument("--out", required=True, metavar="FILE-OR-DIR",
                   help="the backup file; or a directory (an existing one, or ending in /) to get "
                        "dashboard-YYYYMMDD-HHMMSS.sqlite3 in it")
    b.add_argument("--keep", type=int, metavar="N",
                   help="with a directory: then delete all but the N newest dashboard-*.sqlite3 in it")
    b.set_defaults(handler=backup_command)
    r = sub.add_parser("restore", help="replace the store's whole contents with a backup file")
    r.add_argument("file", metavar="FILE")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.set_defaults(handler=restore_command)


def _fail(prog: str, message: str) -> int:
    print(f"python -m dashboard {prog}: error: {message}", file=sys.stderr)
    return 2


def _out_path(out: str) -> tuple[Path, bool]:
    path = Path(out).expanduser()
    if out.endswith(("/", "\\")) or path.is_dir():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return path / DIR_PATTERN.replace("*", stamp), True
    return path, False


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def backup_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the settings
    from dashboard import backup

    out, into_dir = _out_path(args.out)
    if args.keep is not None and (not into_dir or args.keep < 1):
        return _fail("backup", "--keep N (N ≥ 1) goes with --out DIRECTORY/ · --keep 需要 --out 为目录")
    try:
        info = backup.backup(store, out)
    except backup.BackupError as exc:
        return _fail("backup", str(exc))
    print(info.path)
    print(f"schema {info.schema_revision} · {info.source_dialect} · {info.created_at} · {_size(info.size)}")
    for name, n in info.counts.items():
        print(f"  {name:<26}{n:>10}")
    if args.keep is not None:
        for old in backup.keep_newest(out.parent, args.keep, DIR_PATTERN):
            print(f"removed old backup {old}")
    _audit(store, "store-backup", file=str(info.path), revision=info.schema_revision)
    return 0


def _audit(store, action: str, **detail) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from dashboard.access import audit

    try:
        audit.record(store, action, "cli", None, **detail)
    except SQLAlchemyError as exc:  # the work is done; a role without write access may still run backups
        print(f"(audit entry not written: {exc.__class__.__name__})", file=sys.stderr)


def restore_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the settings
    from dashboard import backup

    try:
        info = backup.verify(args.file)
    except backup.BackupError as exc:
        return _fail("restore", str(exc))
    if not args.yes:
        _describe(store, info)
        print("输入 yes 继续 · type yes to continue: ", end="", flush=True)
        if sys.stdin.readline().strip().lower() != "yes":
            print("", file=sys.stderr)
            return _fail("restore", "未确认,存储未改动 · not confirmed, the store is unchanged")
    try:
        result = backup.restore(store, info.path, info)
    except backup.BackupError as exc:
        return _fail("restore", str(exc))
    print(f"restored {info.path} into {store.engine.url.render_as_string()}: "
          f"store version {result.version_before} → {result.version_after}")
    for name, n in result.after.items():
        print(f"  {name:<26}{n:>10}")
    _audit(store, "store-restore", file=str(info.path), made=info.created_at, source=info.source_dialect)
    return 0


def _describe(store, info) -> None:
    from dashboard import backup

    try:
        now = backup.table_counts(store)
        revision = store.schema_revision()
    except Exception as exc:  # noqa: BLE001 - an unreadable target is shown, not fatal: the restore migrates it
        now, revision = {}, f"unreadable ({exc.__class__.__name__})"
    print("将用备份替换存储中的全部数据 · This replaces ALL data in the store with the backup:")
    print(f"  store:  {store.engine.url.render_as_string()} (schema {revision or 'none'})")
    print(f"  backup: {info.path} (schema {info.schema_revision}, from {info.source_dialect}, made {info.created_at}, "
          f"{_size(info.size)})")
    print(f"  {'table':<26}{'now':>10}   {'backup':>10}")
    for name in backup.table_order(set(now) | set(info.counts)):
        if name in backup.KEEP_TARGET_TABLES:
            continue
        cur = now.get(name)
        print(f"  {name:<26}{'—' if cur is None else cur:>10} → {info.counts.get(name, 0):>10}")
    print("  用户、链接、导入记录和审计日志也一并替换 · users, links, the import log and the audit trail are replaced too")
