"""The big screen (/screen) at wall-screen sizes, live and resilient."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import insert, select
from support import Page, Server, cjk_renders, cli_json

from dashboard.catalogue import NUMBERS as KPIS
from dashboard.schema import Site


def wait_for_screen(page, expected: dict | None = None, timeout: float = 30_000) -> None:
    """Until the KPIs have counted up (to the expected numbers, if given) and the charts drew."""
    page.wait_for_function(
        """expected => {
            const els = [...document.querySelectorAll('.screen-kpi-value')];
            const done = els.length === 8 && els.every(e => e.dataset.value !== '' && e.textContent.replace(/,/g, '') === e.dataset.value);
            const graphs = document.querySelectorAll('.screen-canvas .js-plotly-plot').length >= 5;
            // the page's scripts run after its HTML is read (deferred): until then nothing is there to read
            const match = done && (!expected || Object.entries(expected).every(
                ([k, v]) => document.getElementById('kpi-' + k).textContent.replace(/,/g, '') === String(v)));
            return done && graphs && match;
        }""", arg=expected, timeout=timeout)


def screen_kpis(page) -> dict[str, int]:
    return {k.key: int(page.text_content(f"#kpi-{k.key}").replace(",", "")) for k in KPIS}


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080), (3840, 2160)])
def test_every_panel_fits_the_screen_with_no_scrollbars(chromium, server, demo_store, artifacts, width, height):
    p = Page(chromium, width, height).login(server)
    try:
        expected = cli_json(demo_store, "--street", "370114001000")
        p.page.goto(f"{server.url}/screen?street=370114001000&rotate=0")
        wait_for_screen(p.page)
        assert screen_kpis(p.page) == {k.key: expected[k.key] for k in KPIS}
        geometry = p.page.evaluate("""() => {
            const vw = window.innerWidth, vh = window.innerHeight;
            const boxes = [...document.querySelectorAll('.screen-header, .screen-kpi, .screen-panel:not(.rotating), .rotator, .screen-footer')]
                .map(e => { const r = e.getBoundingClientRect(); return [e.className, r.left, r.top, r.right, r.bottom]; });
            const doc = document.documentElement;
            return {vw, vh, boxes, scrollW: doc.scrollWidth, scrollH: doc.scrollHeight};
        }""")
        assert geometry["scrollW"] <= geometry["vw"] and geometry["scrollH"] <= geometry["vh"]
        assert len(geometry["boxes"]) >= 8 + 5
        for name, left, top, right, bottom in geometry["boxes"]:
            assert left >= -0.5 and top >= -0.5, name
            assert right <= geometry["vw"] + 0.5 and bottom <= geometry["vh"] + 0.5, name
        # panels do not overlap the KPI row
        kpi_bottom = max(b[4] for b in geometry["boxes"] if b[0] == "screen-kpi")
        body_top = min(b[2] for b in geometry["boxes"] if b[0] in ("rotator", "screen-panel"))
        assert kpi_bottom <= body_top
        assert cjk_renders(p.page)
        p.page.screenshot(path=str(artifacts / "screenshots" / f"screen-{width}x{height}.png"))
        assert p.foreign_requests(server.url) == []
    finally:
        p.close()


def test_side_panels_rotate(chromium, server):
    p = Page(chromium, 1920, 1080).login(server)
    try:
        p.page.goto(f"{server.url}/screen?rotate=1")
        wait_for_screen(p.page)
        first = p.page.get_attribute("#screen-slot-left .rotating.active", "id")
        p.page.wait_for_function(f"() => document.querySelector('#screen-slot-left .rotating.active').id !== '{first}'",
                                 timeout=5000)
    finally:
        p.close()


def test_the_screen_survives_a_server_restart_and_shows_new_data(chromium, demo_store, tmp_path):
    server = Server(demo_store.url, refresh=1).start()
    p = Page(chromium, 1920, 1080).login(server)
    try:
        p.page.goto(f"{server.url}/screen?rotate=0")
        wait_for_screen(p.page)
        before = screen_kpis(p.page)
        assert p.page.is_hidden("#screen-connection")
        server.stop()
        p.page.wait_for_selector("#screen-connection", state="visible", timeout=10_000)
        assert screen_kpis(p.page) == before  # the last good numbers stay
        with demo_store.engine.begin() as c:
            next_id = c.execute(select(Site.id).order_by(Site.id.desc())).scalars().first() + 1
            c.execute(insert(Site).values(
                id=next_id, code=f"SCREEN{next_id}", name="大屏测试基地", type="关心下一代教育基地",
                street_code="370114001000", lon=117.54, lat=36.72, co_built=False, standardised=False,
                opened_on=__import__("datetime").date(2015, 1, 1)))
        server.start()  # same port, same store
        p.page.wait_for_selector("#screen-connection", state="hidden", timeout=15_000)
        wait_for_screen(p.page, {"education_bases": before["education_bases"] + 1})
    finally:
        p.close()
        server.stop()


def test_a_wall_screen_runs_on_a_signed_link_without_a_login(chromium, server, demo_store):
    """The device opens the link once; the token leaves the URL and the screen shows the link's street."""
    import subprocess
    import sys

    from support import ROOT

    env = {**os.environ, "DASHBOARD_DATABASE_URL": demo_store.url, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "dashboard", "link", "create", "--screen", "--street", "明水街道",
                          "--expires", "1d", "--base-url", server.url], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120, check=True)
    url = out.stdout.strip()
    p = Page(chromium, 1920, 1080)  # no login
    try:
        p.page.goto(url)
        assert "link=" not in p.page.url and p.page.url.endswith("/screen?street=370114001000")
        p.page.wait_for_function("() => document.querySelector('#screen-scope')?.textContent.includes('明水街道')",
                                 timeout=60_000)
        expected = cli_json(demo_store, "--street", "370114001000")
        wait_for_screen(p.page, {k.key: expected[k.key] for k in KPIS})
        assert screen_kpis(p.page) == {k.key: expected[k.key] for k in KPIS}
        # the same browser may not wander off to the staff page
        p.page.goto(f"{server.url}/")
        p.page.wait_for_selector(".not-found", timeout=30_000)
        assert "无权访问" in p.page.text_content(".not-found")
    finally:
        p.close()


def test_responses_carry_no_server_banner_and_a_strict_policy(server):
    import urllib.request

    with urllib.request.urlopen(f"{server.url}/login", timeout=10) as r:
        assert r.headers.get("Server") is None
        assert "script-src 'self' 'sha256-" in r.headers["Content-Security-Policy"]
