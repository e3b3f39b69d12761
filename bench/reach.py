"""Benchmark of 四就近 (dashboard.reach): the whole district's coverage and the site suggestion.

Run from the repository root::

    python bench/reach.py --scale 10 --db sqlite
    python bench/reach.py --scale 10 --db postgresql --runs 5

On the demo store of bench/indicators.py (seeded as of ``--as-of``, default 2026-11-27, reused
while it matches; PostgreSQL gets VACUUM (ANALYZE) first, as there) it times, after one warm-up,
``--runs`` runs (default 5) of ``dashboard.reach.coverage.coverage(conn, f)`` (every cadre's
nearest open site of each kind on the day and a year before, the shares per street and for the
district, the grid of those out of reach) and of ``dashboard.reach.suggest.suggestions(conn, f)``
(the best new site per street), for the whole district with the default rules, each on one
connection, reading the store each time (the data service would cache the result per store
version). Median and p95; targets ≤ 1 s for the coverage and ≤ 3 s for the suggestion. It prints
the district's figures too, so that a change in them shows.

Lines over target say OVER TARGET. The exit status is 0 whatever the figures; the figures also
go to ``--json PATH`` (default bench/out/reach.json) with the machine reference (bench/report.py).
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

from dashboard.indicators import Filter  # noqa: E402
from dashboard.reach.coverage import COLUMNS, coverage  # noqa: E402
from dashboard.reach.suggest import suggestions  # noqa: E402
from dashboard.wording import percent  # noqa: E402

TARGETS_MS = {"coverage": 1000.0, "suggestion": 3000.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_store_options(ap, "reach", 5, "a warm-up")
    args = ap.parse_args(argv)
    store = bench_store(ap, args, "reach")
    f = Filter.district(args.as_of)
    rows = []
    try:
        with store.engine.connect() as conn:
            cov = coverage(conn, f)
            picks = suggestions(conn, f)
            d = cov.district
            print(f"全区 {d.cadres:,} cadres placed ({d.unplaced:,} without a home position); within reach on {cov.as_of} "
                  f"(a year before, {cov.year_ago}):")
            for kind in COLUMNS:
                print(f"  {kind:<6} {percent(d.share(kind)):>7} ({percent(d.share_year_ago(kind))})")
            print(f"grid: {len(cov.cells):,} cells of {cov.grid_m} m with cadres out of reach; "
                  f"suggestions for {len(picks.rows)} streets, adding {sum(p.adds for p in picks.rows):,} cadres in all")
            for label, fn in (("coverage", lambda: coverage(conn, f)), ("suggestion", lambda: suggestions(conn, f))):
                med, high = measure(fn, args.runs, warmups=1)
                rows.append({"what": label, "median_ms": med, "p95_ms": high, "target_ms": TARGETS_MS[label],
                             "ok": med <= TARGETS_MS[label]})
    finally:
        store.dispose()

    print(f"\nload average at the end: {_load()}")
    head = f"{'what':<12} {'median ms':>9} {'p95 ms':>8} {'target ms':>9}  status"
    print(head)
    print("-" * len(head))
    for r in rows:
        status = "OK" if r["ok"] else "<<< OVER TARGET"
        print(f"{r['what']:<12} {r['median_ms']:9.1f} {r['p95_ms']:8.1f} {r['target_ms']:9.0f}  {status}")
    report.write("reach", {
        "db": args.db, "scale": args.scale, "as_of": args.as_of.isoformat(), "runs": args.runs,
        "district": {"cadres": d.cadres, "within": d.within, "within_year_ago": d.within_year_ago,
                     "cells": len(cov.cells)},
        "rows": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()} for r in rows],
    }, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
