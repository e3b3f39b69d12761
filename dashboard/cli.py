"""``python -m dashboard …``: a stable command-line contract (see README)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from dashboard.settings import Settings


class _Parser(argparse.ArgumentParser):
    """argparse that ends with exit status 2 and a one-line reason."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def add_filter_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--street", action="append", default=[], metavar="NAME-OR-CODE",
                   help="street (街道/镇) by name or 12-digit code; repeat for several")
    p.add_argument("--branch", metavar="NAME-OR-ID", help="party organisation by id, code or full name")
    p.add_argument("--as-of", type=_day, metavar="DAY", help="as-of day (default: today)")
    p.add_argument("--from", dest="start", type=_day, metavar="DAY", help="period start (with --to)")
    p.add_argument("--to", dest="end", type=_day, metavar="DAY", help="period end (with --from)")
    p.add_argument("--period", choices=("12m", "year"), default="12m",
                   help="period ending on the as-of day: last 12 months (default) or this year")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard", description="章丘老干部党建看板: store and indicators")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("init-db", help="create the store or migrate it to the newest schema")
    seed = sub.add_parser("seed-demo", help="replace the store's contents with generated demo data")
    seed.add_argument("--as-of", type=_day, metavar="DAY", help="last day of the demo history (default: today)")
    seed.add_argument("--scale", type=_positive, default=1, help="1 = district-sized; 10 = city-sized")
    seed.add_argument("--seed", type=int, default=2020, help="random seed (same seed, same data)")
    ind = sub.add_parser("indicators", help="print the KPI figures for a filter")
    add_filter_arguments(ind)
    ind.add_argument("--json", action="store_true", help="print one JSON object (the only format so far)")
    for module in _command_modules():
        module.register(sub)
    return parser


def _command_modules() -> list:
    """Feature packages add their own subcommands: each module has ``register(subparsers)``
    (setting ``handler=`` via ``set_defaults``) and the handler is ``handler(args, store, settings) -> int``."""
    import importlib

    out = []
    for name in COMMAND_MODULES:
        out.append(importlib.import_module(name))
    return out


COMMAND_MODULES: list[str] = [
    "dashboard.ledger.commands", "dashboard.export.commands", "dashboard.briefing.commands", "dashboard.access.commands",
    "dashboard.backup_commands", "dashboard.attention.commands", "dashboard.schedules.commands",
]


def _store(settings: Settings):
    from dashboard.store import Store

    return Store(settings.database_url)


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings or Settings.from_env()
    store = _store(settings)
    try:
        if args.command == "init-db":
            store.migrate()
            print(f"store ready at schema {store.schema_revision()}: {store.engine.url.render_as_string()}")
            return 0
        if args.command == "seed-demo":
            from dashboard.demo import DemoRules, seed

            store.migrate()
            counts = seed(store, DemoRules(as_of=args.as_of or dt.date.today(), scale=args.scale, seed=args.seed))
            print(json.dumps(counts, ensure_ascii=False))
            return 0
        if args.command == "indicators":
            return _indicators(store, args)
        handler = getattr(args, "handler", None)
        if handler is not None:
            return handler(args, store, settings)
    finally:
        store.dispose()
    return 2


def _indicators(store, args) -> int:
    from dashboard.indicators import FilterError, kpis, resolve_filter

    if (args.start is None) != (args.end is None):
        print("python -m dashboard indicators: error: --from and --to go together", file=sys.stderr)
        return 2
    with store.engine.connect() as conn:
        try:
            f = resolve_filter(conn, streets=args.street, branch=args.branch, as_of=args.as_of,
                               start=args.start, end=args.end, period=args.period)
        except FilterError as exc:
            print(f"python -m dashboard indicators: error: {exc}", file=sys.stderr)
            return 2
    result = kpis(store.engine, f).to_json()
    print(json.dumps(result, ensure_ascii=False))
    return 0
