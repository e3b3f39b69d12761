"""CLI: ``import FILE… [--dry-run]``, ``export-data --out FILE.xlsx [--year YYYY]``, ``ledger-template --out FILE.xlsx``."""
from __future__ import annotations

import argparse
import sys
import time

from dashboard.settings import Settings

DEFAULT_TEMPLATE = "data/templates/ledger-template.xlsx"


class Progress:
    """Progress on stderr, shown only once an operation has run for more than ``after`` seconds."""

    def __init__(self, stream=None, after: float = 2.0, every: float = 0.5):
        self.stream = stream or sys.stderr
        self.after, self.every = after, every
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.started < self.after or now - self.last < self.every:
            return
        self.last = now
        amount = f"{done}/{total}" if total else f"{done}"
        text = f"{stage} {amount} 行 ({now - self.started:.0f} 秒)"
        if self.tty:
            self.stream.write("\r\x1b[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _max_mb(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _year(text: str) -> int:
    from dashboard.ledger import parse_year

    try:
        year = parse_year(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if year is None:
        raise argparse.ArgumentTypeError("导出年份不能为空")
    return year


def register(subparsers) -> None:
    p = subparsers.add_parser("import", help="import ledger workbooks (.xlsx) or CSV files: check, preview, apply")
    p.add_argument("files", nargs="+", metavar="FILE", help=".xlsx workbook(s), or CSV files named after their sheet")
    p.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    p.add_argument("--user", help="who imports (for the audit log)")
    p.add_argument("--max-mb", type=_max_mb, default=None,
                   help="refuse files larger than this many MB (default: the setting DASHBOARD_IMPORT_MAX_MB)")
    p.add_argument("--json", action="store_true", help="print the preview as one JSON object")
    p.add_argument("--street", action="append", metavar="STREET",
                   help="import only rows of this street (code or name; repeat for several), as for street staff")
    p.set_defaults(handler=import_command)
    e = subparsers.add_parser("export-data", help="export the store to the ledger workbook format")
    e.add_argument("--out", required=True, metavar="FILE.xlsx")
    e.add_argument("--street", action="append", metavar="STREET",
                   help="export only rows of this street (code or name; repeat for several)")
    e.add_argument("--year", type=_year, metavar="YYYY",
                   help="only that year's 活动, 活动参与 and 走访慰问记录 (with all the registers): "
                        "a ledger grown past one import's row limit imports year by year")
    e.set_defaults(handler=export_command)
    t = subparsers.add_parser("ledger-template", help="write the empty ledger template workbook")
    t.add_argument("--out", default=DEFAULT_TEMPLATE, metavar="FILE.xlsx", help=f"(default {DEFAULT_TEMPLATE})")
    t.set_defaults(handler=template_command)


def import_command(args, store, settings: Settings) -> int:
    import json

    from dashboard.ledger import LedgerApplyError, LedgerValidationError, Limits, import_files

    store.migrate()
    progress = Progress()
    limits = Limits(max_bytes=(args.max_mb or settings.import_max_mb) * 1024 * 1024, max_rows=settings.import_max_rows)
    try:
        preview = import_files(store, list(args.files), dry_run=args.dry_run, user=args.user,
                               limits=limits, progress=progress, streets=_streets(args))
    except LedgerValidationError as exc:
        preview = exc.preview
    except LedgerApplyError as exc:
        progress.close()
        print(f"导入失败:{exc}", file=sys.stderr)
        return 1
    finally:
        progress.close()
    if args.json:
        print(json.dumps(preview.to_json(), ensure_ascii=False, default=str))
    else:
        _print_preview(preview, args.dry_run)
    return 0 if preview.ok else 2


def _streets(args) -> tuple[str, ...] | None:
    streets = getattr(args, "street", None)
    return None if streets is None else tuple(streets)


def _print_preview(preview, dry_run: bool) -> None:
    for f in preview.files:
        print(f"文件 {f.name}  {f.size} 字节  sha256 {f.sha256[:16]}…")
    if preview.sheets:
        print("\n".join(preview.table()))
    for p in preview.problems:
        print(p, file=sys.stderr if p.is_error else sys.stdout)
    if preview.omitted:
        print(f"……另有 {preview.omitted} 个问题未列出", file=sys.stderr)
    if not preview.ok:
        print(f"共 {preview.errors} 个错误,未导入任何数据。", file=sys.stderr)
    elif dry_run:
        print(f"检查通过:将有 {preview.changes} 行变化(试运行,未写入)。")
    elif preview.outcome == "unchanged":
        print(f"检查通过:数据无变化(导入记录 #{preview.log_id})。")
    else:
        print(f"已导入:{preview.changes} 行变化,用时 {preview.seconds:.1f} 秒(导入记录 #{preview.log_id})。")


def export_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the settings
    from dashboard.ledger import export_workbook

    progress = Progress()
    try:
        data = export_workbook(store, args.out, progress=progress, streets=_streets(args), year=args.year)
    except OSError as exc:
        print(f"python -m dashboard export-data: error: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    print(f"exported to {args.out} ({len(data)} bytes)")
    return 0


def template_command(args, store, settings: Settings) -> int:  # noqa: ARG001 - every handler takes the store and settings
    from pathlib import Path

    from dashboard.ledger import build_template

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    data = build_template(args.out)
    print(f"template written to {args.out} ({len(data)} bytes)")
    return 0
