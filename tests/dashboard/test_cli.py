"""``python -m dashboard``: the command-line contract, bad arguments included."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dashboard.indicators import Filter, kpis, resolve_filter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cli(store, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DASHBOARD_DATABASE_URL": store.url, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_indicators_json_has_every_kpi_and_its_year_ago_twin(report_store):
    out = cli(report_store, "indicators", "--as-of", "2020-07-01", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("active_branches", "established_branches", "functional_branches", "party_members",
                "volunteer_teams", "volunteers", "education_bases", "co_built_sites"):
        assert isinstance(data[key], int) and isinstance(data[f"{key}_year_ago"], int)
    assert data["as_of"] == "2020-07-01"
    assert data["volunteer_teams"] == 15 and data["functional_branches"] == 4
    assert set(data["sites_by_type"]) >= {"芳华剧场", "关心下一代教育基地"}
    assert "新时代文明实践" in data["activities_by_category"]


def test_street_and_branch_filters_match_the_indicator_layer(report_store):
    import datetime as dt

    out = cli(report_store, "indicators", "--street", "明水街道", "--street", "370114002000",
              "--as-of", "2020-07-01", "--json")
    data = json.loads(out.stdout)
    with report_store.engine.connect() as c:
        f = resolve_filter(c, streets=["明水街道", "双山街道"], as_of=dt.date(2020, 7, 1))
    assert data["party_members"] == kpis(report_store.engine, f).now.party_members
    assert data["streets"] == ["370114001000", "370114002000"]
    branch = cli(report_store, "indicators", "--branch", "明水街道老干部党支部", "--as-of", "2020-07-01", "--json")
    assert json.loads(branch.stdout)["active_branches"] == 1


def test_no_filter_means_today_and_the_last_12_months(report_store):
    data = json.loads(cli(report_store, "indicators", "--json").stdout)
    default = Filter.district()
    assert data["as_of"] == default.as_of.isoformat()
    assert data["period"] == {"from": default.start.isoformat(), "to": default.end.isoformat()}


@pytest.mark.parametrize("args, reason", [
    (["--street", "火星街道"], "未知的街道"),
    (["--branch", "不存在的支部"], "未知的党组织"),
    (["--as-of", "2020-13-01"], "not a day"),
    (["--from", "2020-01-01"], "go together"),
    (["--from", "2020-05-01", "--to", "2020-01-01"], "晚于"),
    (["--period", "decade"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line_reason(report_store, args, reason):
    out = cli(report_store, "indicators", *args, "--json")
    assert out.returncode == 2
    assert reason in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert out.stdout == ""


def test_init_db_and_seed_demo(tmp_path):
    from dashboard.store import Store

    store = Store(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert cli(store, "init-db").returncode == 0
    assert store.schema_revision() is not None and store.is_empty()
    out = cli(store, "seed-demo", "--as-of", "2015-01-01", "--seed", "3")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["people"] > 1000
    assert store.demo_info()["seed"] == 3
    assert cli(store, "seed-demo", "--scale", "0").returncode == 2
