"""The staff page's callbacks called as plain functions inside the app."""
from __future__ import annotations

import datetime as dt

import pytest
from dash import no_update
from sqlalchemy import insert

from callbacks import overview as cb
from callbacks.refresh import poll_version
from dashboard import catalogue
from dashboard.catalogue import NUMBERS as KPIS
from dashboard.catalogue import SECTIONS
from dashboard.indicators import Filter, kpis
from dashboard.schema import Honour
from dashboard.settings import Settings
from layouts import panel_views
from tests.acting import acting_as


@pytest.fixture
def app(report_store):
    from app import create_app

    return create_app(Settings(database_url=report_store.url), store=report_store)


def test_poll_returns_nothing_new_until_the_store_changes(app, report_store):
    with acting_as(app):
        first = poll_version(None)
        assert first["ok"] and isinstance(first["version"], int)
        assert poll_version(first) is no_update
        with report_store.engine.begin() as c:
            c.execute(insert(Honour).values(title="测试荣誉", recipient="测试", awarded_on=dt.date(2010, 1, 1)))
        changed = poll_version(first)
        assert changed["version"] > first["version"]


def test_poll_marks_an_unreachable_store_and_keeps_the_last_version(app):
    with acting_as(app):
        first = poll_version(None)
        svc = cb.service()
        real = svc.store.engine
        try:
            from sqlalchemy import create_engine
            svc.store.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
            lost = poll_version(first)
        finally:
            svc.store.engine = real
        assert lost == {**first, "ok": False}
        assert poll_version(lost)["ok"] is True


def test_panels_for_the_report_day_show_the_indicator_layers_numbers(app, report_store):
    with acting_as(app):
        version = poll_version(None)
        state = {"query": "?as_of=2020-07-01", "error": None}
        header = cb.header_view(cb.service(), state, version)
        sections = {s.id: cb.panels_view(cb.service(), state, version, None, s.id) for s in SECTIONS}
    out = sections["overview"]
    expected = kpis(report_store.engine, Filter.district(dt.date(2020, 7, 1))).now
    assert {p.key: out[f"{p.id}:value"] for p in KPIS}["volunteer_teams"] == "15"
    assert out["kpi-party_members:value"] == f"{expected.party_members:,}"
    assert header["message"] == "" and header["as_of_text"] == "截至 2020年7月1日"
    # every panel of each section's page gets its value, keyed by panel id, and only those
    for section, filled in sections.items():
        assert set(filled) == {key for p in catalogue.in_section(section) for key in panel_views.slots(p)}
    # the section links keep the filter
    assert header["tab:care"] == "/care?as_of=2020-07-01" and header["tab:overview"] == "/?as_of=2020-07-01"


def test_a_wrong_filter_gives_a_message_and_empty_panels(app):
    with acting_as(app):
        version = poll_version(None)
        state = {"query": "?street=火星街道", "error": None}
        out = cb.panels_view(cb.service(), state, version, None, "overview")
        header = cb.header_view(cb.service(), state, version)
    assert out["kpi-active_branches:value"] == "—"
    assert "未知的街道" in header["message"].children


def test_only_the_controls_that_change_are_sent_back():
    """Choosing a street sends back the cleared branch, not the values the browser already shows."""
    from dash import no_update

    from callbacks.overview import changed_controls

    def controls(streets, branch, period, start, end, fixed, as_of=None):
        return {"streets": streets, "branch": branch, "period": period, "start": start, "end": end,
                "start_fixed": fixed, "end_fixed": fixed, "as_of": as_of}

    current = [["370114001000"], "42", "12m", None, None, None]
    out = changed_controls(controls(["370114001000"], "all", "12m", None, None, True), current)
    assert out["branch"] == "all"
    assert [o for k, o in out.items() if k != "branch"] == [no_update] * 7
    # a new period also sets whether the range fields can be edited
    custom = changed_controls(controls([], "all", "custom", "2026-01-01", "2026-06-30", False),
                              [[], "all", "12m", None, None, None])
    assert [custom[k] for k in ("period", "start", "end", "start_fixed", "end_fixed")] == [
        "custom", "2026-01-01", "2026-06-30", False, False]
