"""四就近 on the pages: the big screen, embeds and street staff's scope, through the app's callbacks."""
from __future__ import annotations

import pytest

from callbacks import embed, screen
from dashboard.service import DataService
from layouts import screen as screen_layout
from tests.acting import acting_as
from tests.building import MINGSHUI
from tests.tree import html_of, walk

REACH = ("reach", "reach-by-street", "reach-gaps", "reach-sites")
QUERY = "?as_of=2020-07-01"


@pytest.fixture(scope="module")
def app(report_store):
    from app import create_app
    from dashboard.settings import Settings

    return create_app(Settings(database_url=report_store.url), store=report_store)


@pytest.fixture
def svc(report_store):
    return DataService(report_store)


def test_the_big_screen_shows_the_shares_and_the_grid_never_a_home(app, svc):
    version = svc.version().record()
    with acting_as(app, "leader"):
        out = screen.screen_view(svc, {"query": QUERY, "error": None}, version, {})
    gaps, shares = out["reach-gaps"], out["reach-by-street"]
    # the grid map: the outline, the streets' seats and grid layers; nothing drawn per person
    assert [t["type"] for t in gaps["data"]].count("heatmap") == 5
    assert {t["name"] for t in gaps["data"] if t["type"] != "heatmap"} == {"区界", "街道/镇"}
    assert len(shares["data"][0]["y"]) == 18  # every street has cadres in the demo
    titles = [n.children for n in walk(screen_layout.layout()) if getattr(n, "id", "") in (
        "screen-panel-reach-gaps-title", "screen-panel-reach-by-street-title")]
    assert titles == ["未覆盖老干部分布", "各街道“四就近”覆盖率"]


@pytest.mark.parametrize("panel_id", REACH)
def test_every_reach_panel_embeds_with_its_caption(app, svc, panel_id):
    version = svc.version().version
    with acting_as(app, "leader"):
        figure, body, caption = embed.embed_view(svc, {"panel": panel_id, "query": QUERY}, version)
    assert caption.startswith("范围:全区") and "截至日:2020-07-01" in caption
    if isinstance(figure, dict):  # a chart or map: drawn, not the empty state
        assert figure["data"] and not figure["layout"].get("annotations", [{}])[0].get("text") == "暂无数据"
    else:  # a table: a row per street
        assert html_of(body).count("街道") >= 17


def test_street_staff_see_only_the_cadres_of_their_streets(app, svc):
    version = svc.version().version
    with acting_as(app, "staff", (MINGSHUI,)):
        _, body, caption = embed.embed_view(svc, {"panel": "reach", "query": QUERY}, version)
        _, picks, _ = embed.embed_view(svc, {"panel": "reach-sites", "query": QUERY}, version)
    assert caption.startswith("范围:明水街道")
    text, sites = html_of(body), html_of(picks)
    assert "明水街道" in text and "双山街道" not in text and "合计" in text
    assert "明水街道" in sites and "双山街道" not in sites
