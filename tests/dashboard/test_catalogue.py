"""The panel catalogue: each panel declared once, and every surface that should show it does."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from dash import html

from dashboard import catalogue
from dashboard.briefing import DEFAULT_CHARTS
from dashboard.catalogue import PANELS, PANELS_IN_ORDER
from dashboard.indicators import Filter
from dashboard.service import DataService
from dashboard.views import NumberView, TableView, context, panel_view
from layouts import embed, ids, overview, screen
from layouts import screen_ids as screen_id
from tests.tree import ids as ids_of
from tests.tree import walk

DAY = dt.date(2020, 7, 1)


def test_ids_are_unique_and_kinds_known():
    assert len(PANELS) == len(PANELS_IN_ORDER)
    assert {p.kind for p in PANELS_IN_ORDER} <= set(catalogue.KINDS)
    assert all(p.key for p in PANELS_IN_ORDER if p.kind == "number")


def test_every_panel_for_the_staff_page_is_on_its_sections_page():
    assert {p.section for p in catalogue.on("overview")} == set(catalogue.SECTION_IDS)
    for section in catalogue.SECTION_IDS:
        page = ids_of(overview.layout(section=section))
        for p in catalogue.in_section(section):
            shown = ids.kpi(p.key) if p.kind == "number" else ids.panel(p.id)
            assert shown in page, f"{p.id} is catalogued for the staff page's {section} but not on it"
            assert f"{p.id}-card" in page or p.kind == "number"


def test_every_panel_for_the_big_screen_is_on_it():
    page = ids_of(screen.layout())
    for p in catalogue.on("screen"):
        shown = ids.kpi(p.key) if p.kind == "number" else screen_id.graph(p.id)
        assert shown in page, f"{p.id} is catalogued for the screen but not on it"


def test_the_screen_shows_catalogue_titles():
    titles = {node.children for node in walk(screen.layout()) if isinstance(node, html.H2)}
    assert {p.title for p in catalogue.on("screen") if p.kind != "number"} == titles


def test_every_panel_for_embeds_has_an_embed_page():
    for p in catalogue.on("embed"):
        page = embed.layout(p.id)
        assert "embed-error" not in page.className, p.id
        assert next(n for n in walk(page) if getattr(n, "id", None) == embed.TITLE).children == p.title
    assert "embed-error" in embed.layout("no-such-panel").className


def test_the_briefing_takes_its_default_charts_from_the_catalogue():
    assert DEFAULT_CHARTS == tuple(p.id for p in catalogue.on("briefing"))
    assert DEFAULT_CHARTS and all(PANELS[c].kind in ("chart", "map") for c in DEFAULT_CHARTS)


@pytest.mark.parametrize("panel_id", list(PANELS))
def test_every_panel_builds_its_kind_of_view(report_store, panel_id):
    svc = DataService(report_store)
    version = svc.version().version
    view = panel_view(PANELS[panel_id], svc, context(svc, Filter.district(DAY), version), version)
    kind = PANELS[panel_id].kind
    if kind == "number":
        assert isinstance(view, NumberView) and view.text == f"{view.value:,}"
    elif kind in ("table", "list"):
        assert isinstance(view, TableView) and view.rows and all(len(r) == len(view.columns) for r in view.rows)
    else:
        assert isinstance(view, dict) and view["data"]
        json.dumps(view)  # plain data, ready for the browser and kaleido


def test_no_code_picks_behaviour_by_panel_id():
    """Panel ids are named in the catalogue and in the layouts' placement lists, not in branches."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""(panel_id|panel\.id|\bpid)\s*(==|!=|\bin\b)\s*["'(]""")
    found = [f"{path.relative_to(root)}:{n}" for folder in ("dashboard", "callbacks", "layouts")
             for path in (root / folder).rglob("*.py") for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == []


def test_every_chart_for_the_big_screen_has_a_place_chosen_for_it():
    """The wall screen's room is fixed: a panel declared for it must be placed in its slots (a
    chart that slipped into the rotation unplaced made every data change draw one more figure)."""
    placed = {*screen.LEFT, screen.CENTRE, *screen.RIGHT}
    assert {p.id for p in catalogue.on("screen") if p.kind != "number"} == placed
