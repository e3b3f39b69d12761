"""What every benchmark in bench/ shares: a machine reference, and one JSON file of figures per run.

A benchmark calls :func:`machine_reference` before it starts measuring, and :func:`write` at
the end with the figures it printed. ``write`` times the machine reference again, so each file
holds the reference before and after the run, the date, the Python version, the commit
(``git rev-parse --short HEAD``) and the command line; by default the file is
``bench/out/<name>.json`` (``--json PATH`` elsewhere; bench/out/ is not committed).

Compare two runs (figure by figure, with the machine reference of each)::

    python bench/report.py bench/out/import-before.json bench/out/import.json

A figure is comparable between two runs only when their machine references are close: a
shared machine's speed swings with its load, and the reference shows by how much.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# references further apart than this (slower / faster) make the comparison print a warning
COMPARABLE = 1.15

_references: list[float] = []


def machine_reference() -> float:
    """A fixed piece of CPU work (10M steps of a Python loop), timed in seconds. Printed and
    written with the figures so that runs can be compared by the machine's speed at the time.
    Each measurement is also kept for :func:`write`."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    seconds = time.perf_counter() - started
    _references.append(seconds)
    return seconds


def default_path(name: str) -> Path:
    return OUT / f"{name}.json"


def add_option(parser: argparse.ArgumentParser, name: str) -> None:
    """The ``--json PATH`` option every benchmark has."""
    parser.add_argument("--json", type=Path, default=default_path(name), metavar="PATH",
                        help=f"where to write the figures with the machine reference (default bench/out/{name}.json)")


def git_head() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() or None


def write(name: str, figures: dict, args: argparse.Namespace | None) -> Path:
    """Write ``figures`` as JSON to ``args.json`` (default ``bench/out/<name>.json``) with the
    machine reference before (the first one measured in this process) and after (the second,
    else measured now), and print the path."""
    before = _references[0] if _references else None
    after = _references[1] if len(_references) > 1 else machine_reference()
    options = {k: v for k, v in vars(args).items() if k != "json"} if args is not None else {}
    path = Path(getattr(args, "json", None) or default_path(name))
    record = {
        "benchmark": f"bench/{name}.py",
        "figures": figures,
        "machine_reference_s": {"before": _round(before), "after": _round(after)},
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": _load(),
        "commit": git_head(),
        "argv": [_no_password(a) for a in sys.argv[1:]],
        "args": {k: _no_password(v) if isinstance(v, str) else v for k, v in options.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
    print(f"figures written to {shown} (machine reference {_seconds(before)} before, {_seconds(after)} after)")
    return path


def _no_password(text: str) -> str:
    """A database URL's password is not written down: postgresql://user:***@host/db."""
    return re.sub(r"(://[^/:@\s]+:)[^@/\s]+@", r"\1***@", text)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f} s"


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# -- comparing two runs --------------------------------------------------------------------------

def flatten(value, prefix: str = "") -> dict[str, object]:
    """Nested figures as {"a.b.c": value}; lists by index."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return {prefix: value}
    out: dict[str, object] = {}
    for key, v in items:
        out.update(flatten(v, f"{prefix}.{key}" if prefix else str(key)))
    return out


def compare(a: dict, b: dict) -> list[str]:
    """Lines that set two runs' figures side by side, numbers with the ratio b / a."""
    lines = []
    for label, run in (("a", a), ("b", b)):
        ref = run.get("machine_reference_s", {})
        lines.append(f"{label}: {run.get('benchmark')} {' '.join(run.get('argv', []))}  at {run.get('date')}, "
                     f"commit {run.get('commit')}, machine reference {ref.get('before')} s before, {ref.get('after')} s after")
    refs = [_mean(run.get("machine_reference_s", {})) for run in (a, b)]
    if None not in refs and max(refs) / min(refs) > COMPARABLE:
        lines.append(f"WARNING: the machine references differ by ×{max(refs) / min(refs):.2f}: "
                     "the machine's speed differed, so the times do too")
    fa, fb = flatten(a.get("figures", {})), flatten(b.get("figures", {}))
    width = max((len(k) for k in {**fa, **fb}), default=10)
    lines.append(f"{'figure':<{width}}  {'a':>12}  {'b':>12}  {'b / a':>7}")
    for key in dict.fromkeys([*fa, *fb]):
        x, y = fa.get(key), fb.get(key)
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
        ratio = f"{y / x:7.2f}" if numeric and x else ""
        lines.append(f"{key:<{width}}  {_cell(x):>12}  {_cell(y):>12}  {ratio:>7}")
    return lines


def _mean(ref: dict) -> float | None:
    values = [v for v in (ref.get("before"), ref.get("after")) if isinstance(v, (int, float))]
    return sum(values) / len(values) if values else None


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Compare two runs of a benchmark (the JSON files they wrote).")
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in (args.a, args.b)]
    print("\n".join(compare(*runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
