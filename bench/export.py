"""Benchmark of image export and the briefing PDF on a seeded store.

    python bench/export.py [--db sqlite|postgresql] [--scale 1] [--runs 5] [--json PATH]

For each export type (bar chart PNG, map PNG, chart SVG, briefing PDF) it prints:
- cold: the first export in a fresh renderer (Chromium started for it), data cache empty;
- warm: the median of ``--runs`` exports with the renderer warm; each run asks a fresh data
  service, so the indicator queries are counted too (the conservative case).

Targets for a warm renderer: chart PNG ≤ 0.3 s, map PNG ≤ 1.5 s, briefing PDF ≤ 5 s (SVG: the
chart PNG's target). It is a benchmark, not a test: it always exits 0 and marks what misses.
The figures also go to ``--json PATH`` (default bench/out/export.json) with the machine reference
before and after the run (bench/report.py).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import report  # noqa: E402  (bench/report.py: the machine reference and the JSON file)
from indicators import AS_OF, DEMO_SEED, open_store  # noqa: E402  (bench/indicators.py: seeded stores, reused)

from dashboard import briefing, export  # noqa: E402
from dashboard.demo import DemoRules  # noqa: E402
from dashboard.indicators import Filter  # noqa: E402
from dashboard.service import DataService  # noqa: E402

TARGETS = {"bar chart PNG": 0.3, "map PNG": 1.5, "chart SVG": 0.3, "briefing PDF": 5.0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    report.add_option(ap, "export")
    args = ap.parse_args()
    report.machine_reference()
    store, where = open_store(args.db, DemoRules(as_of=AS_OF, scale=args.scale, seed=DEMO_SEED), reseed=False)
    f = Filter.district(AS_OF)
    preset = "slide"
    jobs = {
        "bar chart PNG": lambda svc: export.export_panel("sites-by-street", svc, f, "png", preset=preset),
        "map PNG": lambda svc: export.export_panel("map", svc, f, "png", preset=preset),
        "chart SVG": lambda svc: export.export_panel("activities-by-month", svc, f, "svg", preset=preset),
        "briefing PDF": lambda svc: briefing.build_pdf(svc, f),
    }
    print(f"bench/export.py: {where}, scale {args.scale}, as of {AS_OF}, preset {preset}, {args.runs} warm runs")
    r = export.renderer()
    rows = []
    for name, job in jobs.items():
        r.close()  # cold: a renderer started for this export
        t0 = time.perf_counter()
        out = job(DataService(store))
        cold = time.perf_counter() - t0
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            job(DataService(store))
            times.append(time.perf_counter() - t0)
        rows.append((name, cold, statistics.median(times), min(times), len(out)))
    print(f"{'export':<15}{'cold s':>9}{'warm med s':>12}{'warm min s':>12}{'bytes':>10}  target (warm)")
    for name, cold, med, best, size in rows:
        target = TARGETS[name]
        verdict = "OK" if med <= target else "<<< OVER TARGET"
        print(f"{name:<15}{cold:>9.2f}{med:>12.3f}{best:>12.3f}{size:>10}  ≤ {target:g} s {verdict}")
    r.close()
    store.dispose()
    report.write("export", {
        "db": args.db, "scale": args.scale, "as_of": AS_OF.isoformat(), "preset": preset, "warm_runs": args.runs,
        "exports": {name: {"cold_s": round(cold, 3), "warm_median_s": round(med, 3), "warm_min_s": round(best, 3),
                           "bytes": size, "target_warm_s": TARGETS[name], "ok": med <= TARGETS[name]}
                    for name, cold, med, best, size in rows},
    }, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
