"""``python -m dashboard attention [filters] [--json]``: the 需关注 list in Chinese, or as JSON."""
from __future__ import annotations

import json

from dashboard.cli import add_filter_arguments
from dashboard.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("attention", help="list what is overdue (需关注), ranked, for a filter")
    add_filter_arguments(p)
    p.add_argument("--json", action="store_true", help="print one JSON object instead of Chinese text")
    p.set_defaults(handler=attention_command)


def attention_command(args, store, settings: Settings) -> int:
    from dashboard.attention import KIND_LABELS, Thresholds, attention, summary_lines
    from dashboard.export.commands import fail, resolve
    from dashboard.indicators import FilterError
    from dashboard.wording import day_zh

    try:
        f = resolve(args, store)
    except FilterError as exc:
        return fail("attention", str(exc))
    with store.engine.connect() as conn:
        result = attention(conn, f, Thresholds.from_settings(settings))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return 0
    print(f"需关注事项(截至{day_zh(f.as_of)},共{len(result.items)}项)")
    for line in summary_lines(result):
        print(f"  {line}")
    for n, item in enumerate(result.items, 1):
        print(f"{n:>3}. [{KIND_LABELS[item.kind]}] {item.why}")
    return 0
