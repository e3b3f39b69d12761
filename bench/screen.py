"""Soak benchmark of the big screen (/screen) in headless Chromium.

    python bench/screen.py [--minutes 30] [--speed 10] [--warmup 5] [--json PATH]

Runs /screen for ``--minutes`` of simulated time, compressed ``--speed`` times: the side
panels rotate (every 20 simulated seconds), the page polls every 10 simulated seconds, and
an activity is added to the store every simulated minute. Prints:
- the JS heap (after a forced garbage collection) and the DOM node count at the start and end;
- the server's RSS at the start and end;
- how long each data change took to show on the screen;
- what the heap grew by: V8's compiled code, and everything else (heap snapshots).

The start is taken after ``--warmup`` simulated minutes of the same work (rotation and data
changes), and the heap at first load is printed too. Why: the first minutes grow the heap by
about 1 MB of compiled code, as V8 compiles the functions that a data change runs for the
first time, and Playwright's own injected script (~0.7 MB) arrives with its first query. A
heap snapshot shows both; neither is the page's data, and neither grows after that. A leak
(figures, listeners, intervals, DOM) shows in the other objects, which are printed apart.

Targets: heap and node count at the end within 10 % of the start after 30 simulated minutes;
a change shown within one refresh interval plus 1 s. It is a benchmark, not a test: it always
exits 0. The figures also go to ``--json PATH`` (default bench/out/screen.json) with the machine
reference before and after the run (bench/report.py).
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "browser")]

import report  # noqa: E402  (bench/report.py: the machine reference and the JSON file)
from sqlalchemy import func, insert, select  # noqa: E402
from support import CHROMIUM, CHROMIUM_ARGS, Server, login_context  # noqa: E402

from dashboard.demo import DemoRules, seed  # noqa: E402
from dashboard.schema import Activity  # noqa: E402
from dashboard.store import Store  # noqa: E402

OUT = ROOT / "bench" / "out"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browser_memory(cdp) -> tuple[float, int]:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"] / 1e6, int(metrics["Nodes"])


def heap_by_kind(cdp) -> dict[str, int]:
    """Bytes in a heap snapshot (after a forced garbage collection): V8's compiled code, and the rest."""
    chunks: list[str] = []

    def collect(event: dict) -> None:
        chunks.append(event["chunk"])

    cdp.on("HeapProfiler.addHeapSnapshotChunk", collect)
    cdp.send("HeapProfiler.collectGarbage")
    cdp.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": False})
    cdp.remove_listener("HeapProfiler.addHeapSnapshotChunk", collect)
    snap = json.loads("".join(chunks))
    meta = snap["snapshot"]["meta"]
    fields, types, nodes = meta["node_fields"], meta["node_types"][0], snap["nodes"]
    width, type_at, size_at = len(fields), fields.index("type"), fields.index("self_size")
    out: collections.Counter = collections.Counter()
    for i in range(0, len(nodes), width):
        out["compiled code" if types[nodes[i + type_at]] == "code" else "everything else"] += nodes[i + size_at]
    return dict(out)


def add_activity(store: Store) -> None:
    with store.engine.begin() as c:
        next_id = (c.execute(select(func.max(Activity.id))).scalar_one() or 0) + 1
        c.execute(insert(Activity).values(
            id=next_id, code=f"SOAK{next_id}", date=dt.date.today(), category="新时代文明实践",
            name="大屏压测活动", street_code="370114001000", participants=10, hours=2.0))


def shown_activities(page) -> int:
    return int(page.get_attribute("#kpi-activities", "data-value") or 0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--speed", type=float, default=10)
    p.add_argument("--warmup", type=float, default=5, help="simulated minutes before the start is measured")
    report.add_option(p, "screen")
    args = p.parse_args(argv)
    report.machine_reference()

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "screen-soak.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store(f"sqlite:///{path}")
    store.migrate()
    seed(store, DemoRules(as_of=dt.date.today()))

    refresh = max(1, round(10 / args.speed))
    rotate = max(1, round(20 / args.speed))
    minute = 60 / args.speed
    real_seconds = args.minutes * 60 / args.speed
    print(f"bench/screen.py: {args.minutes:g} simulated minutes at ×{args.speed:g} = {real_seconds:.0f} s; "
          f"refresh {refresh} s, rotation {rotate} s, a data change every {minute:.0f} s")
    server = Server(store.url, refresh=refresh).start()
    from playwright.sync_api import sync_playwright

    delays: list[float] = []

    def soak(page, minutes: float) -> list[float]:
        """Rotation runs by itself; add a data change each simulated minute and time how long it takes to show."""
        taken: list[float] = []
        end = time.time() + minutes * 60 / args.speed
        while time.time() < end:
            before = shown_activities(page)
            add_activity(store)
            t0 = time.time()
            page.wait_for_function(
                f"() => Number(document.querySelector('#kpi-activities').dataset.value) > {before}",
                timeout=(refresh + 30) * 1000)
            taken.append(time.time() - t0)
            page.wait_for_timeout(max(0, minute - (time.time() - t0)) * 1000)
        return taken

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            login_context(context, server.url)
            page = context.new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            cdp.send("HeapProfiler.enable")
            page.goto(f"{server.url}/screen?rotate={rotate}")
            page.wait_for_function("() => (document.querySelector('#kpi-activities') || {dataset: {}}).dataset.value", timeout=60_000)
            page.wait_for_timeout(3000)
            cold_heap, cold_nodes = browser_memory(cdp)
            print(f"first load: JS heap {cold_heap:.1f} MB, DOM nodes {cold_nodes}; warming up for {args.warmup:g} simulated minutes")
            soak(page, args.warmup)
            page.wait_for_timeout(2000)
            heap0, nodes0 = browser_memory(cdp)
            kinds0 = heap_by_kind(cdp)
            rss0 = rss_mb(server.proc.pid)
            print(f"start: JS heap {heap0:.1f} MB, DOM nodes {nodes0}, server RSS {rss0:.0f} MB")
            delays = soak(page, args.minutes)
            page.wait_for_timeout(2000)
            heap1, nodes1 = browser_memory(cdp)
            kinds1 = heap_by_kind(cdp)
            rss1 = rss_mb(server.proc.pid)
            browser.close()
    finally:
        server.stop()
        store.dispose()

    def change(a: float, b: float) -> str:
        pct = (b - a) / a * 100 if a else float("nan")
        return f"{pct:+.1f} %  {'OK' if abs(pct) <= 10 else '<<< OVER TARGET'}"

    print(f"end:   JS heap {heap1:.1f} MB, DOM nodes {nodes1}, server RSS {rss1:.0f} MB")
    print()
    print(f"JS heap      {heap0:7.1f} → {heap1:7.1f} MB   {change(heap0, heap1)} (target within 10 %)")
    print(f"DOM nodes    {nodes0:7d} → {nodes1:7d}      {change(nodes0, nodes1)} (target within 10 %)")
    print(f"server RSS   {rss0:7.0f} → {rss1:7.0f} MB   {change(rss0, rss1)}")
    print(f"JS heap at first load {cold_heap:.1f} MB (before the warm-up); the heap's growth from the start, by kind:")
    for kind in ("compiled code", "everything else"):
        print(f"  {kind:16s} {(kinds1.get(kind, 0) - kinds0.get(kind, 0)) / 1e3:+8.1f} KB")
    worst, target = max(delays), refresh + 1
    print(f"data change shown after: median {statistics.median(delays):.2f} s, worst {worst:.2f} s over "
          f"{len(delays)} changes (target ≤ refresh {refresh} s + 1 s: {'OK' if worst <= target else '<<< OVER TARGET'})")
    report.write("screen", {
        "simulated_minutes": args.minutes, "speed": args.speed, "warmup_minutes": args.warmup,
        "first_load_heap_mb": round(cold_heap, 2), "first_load_dom_nodes": cold_nodes,
        "start": {"heap_mb": round(heap0, 2), "dom_nodes": nodes0, "server_rss_mb": round(rss0, 1)},
        "end": {"heap_mb": round(heap1, 2), "dom_nodes": nodes1, "server_rss_mb": round(rss1, 1)},
        "heap_growth_kb": {kind: round((kinds1.get(kind, 0) - kinds0.get(kind, 0)) / 1e3, 1)
                           for kind in ("compiled code", "everything else")},
        "change_shown_s": {"median": round(statistics.median(delays), 3), "worst": round(worst, 3),
                           "changes": len(delays), "target": target},
    }, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
