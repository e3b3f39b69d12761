"""Speed and memory figures in the docs come from the benchmarks.

A time or memory figure (a number followed by ms, s, 秒, MB, GB or KB) in README.md or a
docs/*.md file must stand in a paragraph that names the bench/….py script it came from. A
measured figure must also name the machine reference it was measured at; a target (after ≤, <,
≥ or >) needs only the script. A paragraph is a block between blank lines, each list item on its
own; a table counts with the paragraph just before it when that paragraph ends with a colon.
Code blocks are not read. Settings defaults and thresholds of the code are listed in ALLOWED.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIGURE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)\s*(ms|seconds?|s|秒|[KMG]i?B|kB)(?![A-Za-z])")
BENCH = re.compile(r"bench/([\w-]+)\.py")
TARGET = re.compile(r"(≤|≥|<=|>=|<|>)\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")

# figures that are the code's settings or thresholds, not measurements: (file, exact phrase, why)
ALLOWED = [
    ("docs/ledger.md", "default **20 MB** per file", "DASHBOARD_IMPORT_MAX_MB's default"),
    ("docs/ledger.md", "(default 20 MB, as for the CLI)", "DASHBOARD_IMPORT_MAX_MB's default"),
    ("docs/ledger.md", "longer than 2 s show progress", "the CLI's progress threshold (Progress(after=2.0))"),
    ("docs/security.md", "locked\nfor 30 s, then twice as long", "the lockout's first step (users.FIRST_LOCK)"),
    ("docs/deploy.md", "nobody waits longer than 15 s", "the export queue's patience (ExportGate)"),
    ("docs/deploy.md", "`Retry-After` of 3 to 7 seconds", "a refusal's Retry-After (callbacks.routes.retry_after)"),
    ("docs/deploy.md", "proxy_read_timeout 120s", "an nginx setting in an example"),
]


def docs() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def paragraphs(text: str) -> list[str]:
    """The prose blocks of a markdown text: code blocks dropped, split at blank lines and list items."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip() or LIST_ITEM.match(line) or line.startswith("#"):
            if current:
                blocks.append(current)
            current = [line] if line.strip() else []
            if line.startswith("#"):
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    out: list[str] = []
    for block in blocks:
        joined = "\n".join(block)
        table = all(line.lstrip().startswith("|") for line in block)
        if table and out and out[-1].rstrip().endswith(":"):
            out[-1] += "\n" + joined
        else:
            out.append(joined)
    return out


def problems(text: str, allowed: list[str] = ()) -> list[str]:
    """Each figure that breaks the rule, with the start of its paragraph."""
    found = []
    for para in paragraphs(text):
        for phrase in allowed:
            para = para.replace(phrase, "")
        figures = list(FIGURE.finditer(para))
        if not figures:
            continue
        scripts = BENCH.findall(para)
        measured = [m for m in figures if not TARGET.search(para[:m.start()])]
        where = " ".join(para.split())[:90]
        if not scripts:
            found.append(f"{', '.join(m.group(0) for m in figures)}: names no bench/….py script — {where}")
        elif measured and "machine reference" not in para:
            found.append(f"{', '.join(m.group(0) for m in measured)}: no machine reference — {where}")
        for name in scripts:
            if not (ROOT / "bench" / f"{name}.py").exists():
                found.append(f"bench/{name}.py does not exist — {where}")
    return found


def figures_in(text: str) -> int:
    return sum(len(FIGURE.findall(p)) for p in paragraphs(text))


def test_the_rule_catches_what_it_should():
    assert problems("Dry run about 9 s, peak memory under 300 MB.")
    assert problems("It took ~50 ms of CPU.\n\n`bench/page.py` prints the render time.")  # another paragraph
    assert problems("`bench/import.py`: dry run 9.1 s.")  # no machine reference
    assert problems("`bench/nothing.py`: ≤ 5 s.")  # no such script
    assert problems("- about 2.5 s to start\n- `bench/export.py` prints cold and warm times")  # list items apart
    assert problems("Exports take 1.5秒.")
    assert not problems("`bench/export.py` prints the times (targets: chart PNG ≤ 0.3 s, PDF ≤ 5 s).")
    assert not problems("`bench/import.py`: dry run 9.1 s (machine reference 0.40 s).")
    assert not problems("Measured with `bench/import.py`:\n\n| store | dry run | machine reference |\n|---|---|---|\n| SQLite | 9.1 s | 0.40 s |")
    assert not problems("```bash\nsleep 5 s\n```\n\n1920×1080 pixels, 12 streets, 30 %.")
    assert not problems("files above the limit (default 20 MB)", ["(default 20 MB)"])


def test_time_and_memory_figures_in_the_docs_name_their_benchmark():
    failures = []
    for path in docs():
        rel = path.relative_to(ROOT).as_posix()
        allowed = [phrase for file, phrase, _ in ALLOWED if file == rel]
        failures += [f"{rel}: {p}" for p in problems(path.read_text(encoding="utf-8"), allowed)]
    assert failures == [], "\n".join(failures)


def test_the_allowed_figures_are_still_in_the_docs():
    """An exemption whose phrase is gone is removed, not left to cover something else."""
    for file, phrase, why in ALLOWED:
        assert phrase in (ROOT / file).read_text(encoding="utf-8"), f"{file}: {phrase!r} ({why}) is gone"


def test_the_docs_do_quote_benchmark_figures():
    """The check above has something to check: the ledger's import figures are quoted from bench/import.py."""
    ledger = (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8")
    assert figures_in(ledger) >= 10
