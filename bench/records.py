"""Benchmark of the record lists behind the figures (dashboard.records): the first page of the largest.

Run from the repository root::

    python bench/records.py --scale 10 --db sqlite
    python bench/records.py --scale 10 --db postgresql --runs 20

On the demo store of bench/indicators.py (seeded as of ``--as-of``, default 2026-11-27, reused
while it matches; PostgreSQL gets VACUUM (ANALYZE) first, as there) it times, after 2 warm-ups,
``--runs`` runs (default 10) of ``dashboard.records.page(conn, drill, f)`` for the whole district:
the first page (50 rows) of the party members and of the period's participants (the two largest
lists), in their own order (by code) and sorted by name and by birth year (descending); and a
search (a name's substring) on each. Each ``page()`` counts the whole list and reads one page, on
one connection. Median and p95; target ≤ 300 ms for the first page. For reference also
``count()`` alone and the KPI's own statement (``kpi.run``): the list can cost no less than it.

Lines over target say OVER TARGET. The exit status is 0 whatever the figures; the figures also
go to ``--json PATH`` (default bench/out/records.json) with the machine reference (bench/report.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (str(ROOT / "bench"), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import report  # noqa: E402  (bench/report.py: the machine reference and the JSON file)
from indicators import _load, add_store_options, bench_store, measure  # noqa: E402

from dashboard.indicators import Filter, kpi  # noqa: E402
from dashboard.records import Drill, count, page  # noqa: E402

TARGET_MS = 300.0

# (label, drill, the KPI statement that counts it)
LISTS = (
    ("members", Drill("members"), kpi.members_stmt),
    ("participants", Drill("participants"), kpi.participants_stmt),
)
# (label, page() keywords); the first is the first page as a list opens
PAGES = (
    ("default order", {}),
    ("by name", {"sort": "name"}),
    ("by birth year desc", {"sort": "birth_year", "descending": True}),
    ("search 某甲", {"search": "某甲"}),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_store_options(ap, "records", 10, "2 warm-ups")
    args = ap.parse_args(argv)
    store = bench_store(ap, args, "records")
    f = Filter.district(args.as_of)
    print(f"filter: 全区, as of {f.as_of}, period {f.start} .. {f.end}")
    rows = []
    try:
        with store.engine.connect() as conn:
            for label, drill, stmt in LISTS:
                total = count(conn, drill, f)
                shown = kpi.run(conn, stmt, f)[0][0]
                print(f"  {label}: {total:,} records (the KPI: {shown:,}{'' if total == shown else '  <<< MISMATCH'})")
                med, high = measure(lambda stmt=stmt: kpi.run(conn, stmt, f), args.runs)
                rows.append({"list": label, "what": "KPI statement (reference)", "median_ms": med, "p95_ms": high,
                             "target": None})
                med, high = measure(lambda drill=drill: count(conn, drill, f), args.runs)
                rows.append({"list": label, "what": "count()", "median_ms": med, "p95_ms": high, "target": None})
                for what, kw in PAGES:
                    med, high = measure(lambda drill=drill, kw=kw: page(conn, drill, f, **kw), args.runs)
                    rows.append({"list": label, "what": f"page 1, {what}", "median_ms": med, "p95_ms": high,
                                 "target": TARGET_MS})
    finally:
        store.dispose()

    print(f"\nload average at the end: {_load()}")
    head = f"{'list':<13} {'what':<28} {'median ms':>9} {'p95 ms':>8}  status"
    print(head)
    print("-" * len(head))
    for r in rows:
        status = "" if r["target"] is None else ("OK" if r["median_ms"] <= r["target"] else "<<< OVER TARGET")
        r["ok"] = None if r["target"] is None else r["median_ms"] <= r["target"]
        print(f"{r['list']:<13} {r['what']:<28} {r['median_ms']:9.1f} {r['p95_ms']:8.1f}  {status}")
    worst = max((r for r in rows if r["target"]), key=lambda r: r["median_ms"])
    print(f"\nslowest first page: {worst['list']}, {worst['what']}: median {worst['median_ms']:.1f} ms "
          f"(target ≤ {TARGET_MS:.0f} ms: {'OK' if worst['ok'] else 'OVER TARGET'})")
    report.write("records", {
        "db": args.db, "scale": args.scale, "as_of": args.as_of.isoformat(), "runs": args.runs,
        "target_ms": TARGET_MS,
        "rows": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()} for r in rows],
    }, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
