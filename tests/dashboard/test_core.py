"""The core knows no web, its wording lives once, and each setting is declared once."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from dashboard import settings, wording
from dashboard.indicators import Filter

ROOT = Path(__file__).resolve().parents[2]


def test_the_core_imports_neither_dash_nor_flask():
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "dashboard").rglob("*.py")
                 for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
                 if re.match(r"\s*(from|import)\s+(dash|flask|dash_bootstrap_components|layouts|callbacks)\b", line)]
    assert offenders == []


def test_the_export_and_briefing_commands_load_no_web_code():
    code = ("import sys; from dashboard.cli import build_parser; build_parser();"
            "import dashboard.export, dashboard.briefing, dashboard.catalogue, dashboard.views;"
            "web = sorted(m for m in sys.modules if m.split('.')[0] in ('dash', 'flask', 'layouts', 'callbacks'));"
            "print(web); sys.exit(1 if web else 0)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_change_is_said_in_arrows_and_words():
    assert wording.change(10, 7).text == "▲ 3 较上年同期" and wording.change(10, 7).direction == "up"
    assert wording.change(7, 10).text == "▼ 3 较上年同期" and wording.change(7, 10).short == "▼ 3"
    assert wording.change(5, 5).text == "— 与上年同期持平" == wording.change(5, 5).short
    assert wording.change(5, 5).direction == "flat"
    assert wording.change(1200, 200).sentence("人") == ",较上年同期增加1000人"
    assert wording.number(1234567) == "1,234,567"


def test_the_scope_names_where_when_and_the_as_of_day():
    f = Filter(as_of=dt.date(2026, 6, 30), start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30),
               streets=("370114001000",))
    scope = wording.scope(f, {"370114001000": "明水街道"})
    assert scope.text == "范围:明水街道 · 统计期间:2025-07-01 至 2026-06-30 · 截至日:2026-06-30"
    assert scope.details == scope.text.removeprefix("范围:")
    assert scope.short == "明水街道 · 2025-07-01起 · 截至2026-06-30"  # a phone's folded filter, one line
    earlier = Filter(as_of=dt.date(2026, 6, 30), start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert wording.scope(earlier, {}).short == "全区 · 2025-01-01–2025-12-31 · 截至2026-06-30"
    assert wording.scope(Filter.district(dt.date(2026, 6, 30)), {}).where == "全区"
    assert wording.day_zh(dt.date(2020, 7, 1)) == "2020年7月1日"


def test_settings_are_read_once_from_their_declared_variables():
    s = settings.Settings.from_env({"PORT": "9000", "DASHBOARD_EMBED_ORIGINS": "https://a https://b",
                                    "DASHBOARD_CHROMIUM": "/opt/chromium", "DASHBOARD_REFRESH_SECONDS": "0"})
    assert s.port == 9000 and s.embed_origins == ("https://a", "https://b") and s.chromium == "/opt/chromium"
    assert s.refresh_seconds == 1  # at least a second
    assert settings.Settings.from_env({"BROWSER_PATH": "/a", "DASHBOARD_CHROMIUM": "/b"}).chromium == "/a"
    assert settings.Settings.from_env({}) == settings.Settings()


def test_a_bad_setting_names_the_variable():
    import pytest

    with pytest.raises(ValueError, match="PORT"):
        settings.Settings.from_env({"PORT": "eighty"})


def test_the_settings_as_printed_keep_the_key_and_the_mail_password_out():
    s = settings.Settings.from_env({"DASHBOARD_SECRET_KEY": "k3y-0f-the-deployment",
                           "DASHBOARD_SMTP_URL": "smtps://laoganbu:pa55word@mail.intra"})
    assert s.smtp_url.endswith("@mail.intra") and s.secret_key == "k3y-0f-the-deployment"
    printed = repr(s)
    assert "pa55word" not in printed and "k3y-0f" not in printed and "mail_from" in printed


def test_the_readme_settings_table_is_the_declarations():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme


def test_no_module_outside_settings_reads_the_environment_for_a_setting():
    """Only the entry points (app.py's create_app, the CLI's main) call Settings.from_env."""
    declared = {name for names, _, _ in settings.declarations() for name in names}
    offenders = []
    for folder in ("dashboard", "callbacks", "layouts"):
        for p in (ROOT / folder).rglob("*.py"):
            if p.name == "settings.py":
                continue
            text = p.read_text("utf-8")
            offenders += [f"{p.relative_to(ROOT)}: {name}" for name in declared if f'"{name}"' in text]
            if "Settings.from_env" in text and p != ROOT / "dashboard" / "cli.py":
                offenders.append(f"{p.relative_to(ROOT)}: Settings.from_env")
    assert offenders == []
