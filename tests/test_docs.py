"""The docs say what the code does: every KPI is defined, every README command exists."""
from __future__ import annotations

import re
from pathlib import Path

from dashboard.cli import build_parser
from dashboard.indicators import KPI_KEYS

ROOT = Path(__file__).resolve().parent.parent


def test_every_kpi_is_defined_in_docs_indicators():
    doc = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    missing = [key for key in KPI_KEYS if f"`{key}`" not in doc]
    assert missing == []


def test_every_command_in_the_readme_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"python -m dashboard ([a-z][a-z-]+)", readme))
    parser = build_parser()
    known = set(next(a for a in parser._actions if a.dest == "command").choices)
    assert commands and commands <= known, commands - known


def test_every_setting_in_the_readme_is_read(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings_src = (ROOT / "dashboard" / "settings.py").read_text(encoding="utf-8")
    for name in re.findall(r"`(DASHBOARD_[A-Z_]+)`", readme):
        if name.startswith("DASHBOARD_TEST_"):
            continue
        assert name in settings_src or any(name in p.read_text(encoding="utf-8")
                                           for p in (ROOT / "dashboard").rglob("*.py")), name


def test_the_readme_names_pages_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    app_src = (ROOT / "app.py").read_text(encoding="utf-8")
    for path in ("/screen", "/embed/", "/briefing", "/data"):
        assert path in readme
        routes = (ROOT / "callbacks" / "routes.py").read_text(encoding="utf-8")
        pages = (ROOT / "callbacks" / "pages.py").read_text(encoding="utf-8")
        assert path in app_src or path in routes or path in pages
