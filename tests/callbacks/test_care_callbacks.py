"""Names of cadres reach only those allowed them, through the callbacks that draw the panels: the
staff page for a user shows the birthdays' and 需关注's names; an embed through a signed link and
the big screen, for anyone, never do (the hand-built store of tests/dashboard/test_care.py)."""
from __future__ import annotations

import json

import pytest
from flask import g

from callbacks.embed import embed_view
from callbacks.overview import panels_view
from callbacks.screen import screen_view
from dashboard.access import EMBED_LINK, Principal
from dashboard.service import DataService
from dashboard.settings import Settings
from tests.acting import acting_as
from tests.building import MINGSHUI
from tests.dashboard.test_care import NAMES, cared  # noqa: F401 - the store fixture

QUERY = "?as_of=2024-06-30"


@pytest.fixture
def app(cared):  # noqa: F811 - the fixture above
    from app import create_app

    return create_app(Settings(database_url=cared.url), store=cared)


def named(output) -> list[str]:
    text = json.dumps(output, default=lambda o: getattr(o, "to_plotly_json", lambda: str(o))(), ensure_ascii=False)
    return [name for name in NAMES if name in text]


def test_the_staff_page_names_birthdays_and_focus_cadres_for_a_user(app, cared):  # noqa: F811
    svc = DataService(cared)
    version = {"version": svc.version().version}
    with acting_as(app, "staff", (MINGSHUI,)):
        state = {"query": f"{QUERY}&street={MINGSHUI}"}
        care, overview = panels_view(svc, state, version, None, "care"), panels_view(svc, state, version, None, "overview")
    assert "测试乙" in named(care["birthdays"]) and "测试丙" in named(overview["attention"])


@pytest.mark.parametrize("panel", ["birthdays", "attention"])
def test_a_signed_embed_link_never_shows_a_name(app, cared, panel):  # noqa: F811
    svc = DataService(cared)
    version = svc.version().version
    with app.server.test_request_context("/", headers={"Host": "localhost"}):
        g.principal = Principal("link", "link", EMBED_LINK, link_id=1, link_target=panel, link_query=QUERY)
        figure, body, caption = embed_view(svc, {"panel": panel, "query": QUERY}, version)
    assert body is not None and "截至日:2024-06-30" in caption and named(body) == []
    with acting_as(app, "leader"):  # the same panel embedded in a page a logged-in leader opens
        _, body, _ = embed_view(svc, {"panel": panel, "query": QUERY}, version)
    assert named(body)


def test_the_big_screen_never_names_anyone(app, cared):  # noqa: F811
    svc = DataService(cared)
    with acting_as(app, "admin"):
        out = screen_view(svc, {"query": QUERY}, {"version": svc.version().version}, None)
    assert out["message"] == "" and named(out) == []
    assert "重点关爱对象未联系" in json.dumps(out, default=str, ensure_ascii=False)  # counted, not named
