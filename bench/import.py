"""Benchmark: a workbook of 100,000 活动参与 rows (plus the streets, organisations, people and
activities they need), checked (dry run) and then imported into an empty store.

    python bench/import.py [--store URL] [--rows 100000] [--json PATH]

Prints the time and peak memory of each step. Targets: ≤ 60 s and ≤ 1 GB each.
Peak memory is the process's peak resident set size (ru_maxrss), which only grows: the
import's figure includes the dry run before it. The figures also go to ``--json PATH``
(default bench/out/import.json) with the machine reference before and after (bench/report.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import report  # noqa: E402  (bench/report.py: the machine reference and the JSON file)

from dashboard import geo  # noqa: E402
from dashboard.ledger import check, import_files  # noqa: E402
from dashboard.ledger.xlsxwrite import write_xlsx  # noqa: E402
from dashboard.store import Store  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(rows: int) -> bytes:
    import io

    towns = geo.townships()
    people = max(1000, rows // 10)
    activities = max(100, rows // 10)
    streets = [["街道编码", "街道名称", "类型", "经度", "纬度"]] + [[t.code, t.name, t.kind, t.lon, t.lat] for t in towns]
    orgs = [["组织编码", "组织名称", "组织类型", "层级", "上级组织编码", "街道编码", "所在单位或社区", "成立日期", "撤销日期"]]
    for i, t in enumerate(towns):
        orgs.append([f"ZZ{i:03d}", f"{t.name}老干部党支部", "建制型", "党支部", None, t.code, None, dt.date(2013, 1, 1), None])
    persons = [["人员编码", "姓名", "性别", "出生年份", "干部类别", "居住街道编码", "居住经度", "居住纬度"]]
    members = [["人员编码", "组织编码", "转入日期", "转出日期"]]
    for i in range(people):
        t = towns[i % len(towns)]
        persons.append([f"RY{i:07d}", "张某甲", "男" if i % 3 else "女", 1940 + i % 27, "退休", t.name,
                        round(t.lon + (i % 7 - 3) * 0.001, 6), round(t.lat + (i % 5 - 2) * 0.001, 6)])
        members.append([f"RY{i:07d}", f"ZZ{i % len(towns):03d}", dt.date(2015, 1 + i % 12, 1), None])
    acts = [["活动编码", "活动日期", "活动类别", "活动名称", "组织编码", "队伍编码", "站点编码", "街道编码", "参与人数", "时长小时"]]
    for i in range(activities):
        t = towns[i % len(towns)]
        acts.append([f"HD{i:08d}", dt.date(2019, 1, 1) + dt.timedelta(days=i % 540), "主题党日", "主题党日活动",
                     f"ZZ{i % len(towns):03d}", None, None, t.code, 10, 2])
    part = [["活动编码", "人员编码"]]
    for i in range(rows):
        part.append([f"HD{i % activities:08d}", f"RY{(i * 7 + i // activities) % people:07d}"])
    sheets = [("街道", streets), ("党组织", orgs), ("人员", persons), ("组织关系", members), ("活动", acts), ("活动参与", part)]
    buffer = io.BytesIO()
    write_xlsx(buffer, [(name, iter(r), [12] * len(r[0]), len(r)) for name, r in sheets])
    return buffer.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="store URL (default: a new temporary SQLite file); must be empty")
    ap.add_argument("--rows", type=int, default=100_000)
    report.add_option(ap, "import")
    args = ap.parse_args()
    report.machine_reference()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.store or f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}")
        store.migrate()
        t = time.perf_counter()
        data = build(args.rows)
        built = time.perf_counter() - t
        print(f"workbook: {args.rows} 活动参与 rows, {len(data) / 1048576:.1f} MB, built in {built:.1f} s")
        files = [("bench.xlsx", data)]
        t = time.perf_counter()
        preview = check(store, files)
        dry = time.perf_counter() - t
        assert preview.ok, preview.problems[:5]
        dry_peak, checked = peak_mb(), sum(c.rows for c in preview.sheets.values())
        print(f"dry run: {dry:.1f} s, peak memory {dry_peak:.0f} MB, {checked} rows checked")
        t = time.perf_counter()
        result = import_files(store, files)
        wet = time.perf_counter() - t
        wet_peak, dialect = peak_mb(), store.dialect
        print(f"import:  {wet:.1f} s, peak memory {wet_peak:.0f} MB, {result.changes} rows written ({dialect})")
        t = time.perf_counter()
        again = import_files(store, files)
        reimport = time.perf_counter() - t
        print(f"re-import (no change): {reimport:.1f} s, outcome {again.outcome}")
        store.dispose()
        ok = dry <= 60 and wet <= 60 and peak_mb() <= 1024
        print("targets (≤ 60 s, ≤ 1 GB):", "met" if ok else "NOT met")
        report.write("import", {
            "store": dialect, "participation_rows": args.rows, "workbook_mb": round(len(data) / 1048576, 2),
            "build_s": round(built, 2), "dry_run_s": round(dry, 2), "dry_run_peak_mb": round(dry_peak),
            "rows_checked": checked, "import_s": round(wet, 2), "import_peak_mb": round(wet_peak),
            "rows_written": result.changes, "reimport_s": round(reimport, 2), "reimport_outcome": again.outcome,
            "targets_met": ok,
        }, args)
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
