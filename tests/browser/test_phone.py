"""The staff page, the 明细 lists and the briefing on a phone (360 and 390 px wide, touch), as a
leader opening a link from 政务微信 would see them: the numbers on the first screen, the filters
behind a button, nothing wider than the screen, no text under 12 px, charts that can be read
and tapped."""
from __future__ import annotations

import pytest
from support import Page, cjk_renders, cli_json, wait_for_panels
from test_accessibility import axe_violations

from dashboard.catalogue import NUMBERS as KPIS

PHONES = [(360, 740), (390, 844)]

# every visible piece of text whose drawn size is under 12 px, plotly's SVG text included
# (its size times the scale it is drawn at); the briefing's charts are A4 drawings (see test below)
SMALL_TEXT = """(skipSvg) => {
    const out = [], seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        if (!walker.currentNode.textContent.trim() || !el || seen.has(el)) continue;
        seen.add(el);
        if (skipSvg && el.closest('svg')) continue;
        const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
        if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
        let px = parseFloat(cs.fontSize);
        if (el instanceof SVGElement && el.getScreenCTM()) { const m = el.getScreenCTM(); px *= Math.hypot(m.a, m.b); }
        if (px < 11.95) out.push(`${px.toFixed(1)}px ${el.tagName} ${walker.currentNode.textContent.trim().slice(0, 20)}`);
    }
    return out;
}"""

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module", params=PHONES, ids=lambda s: f"{s[0]}x{s[1]}")
def phone(request, chromium, server):
    width, height = request.param
    p = Page(chromium, width, height, is_mobile=True, has_touch=True, device_scale_factor=2).login(server)
    yield p
    p.close()


@pytest.fixture(scope="module")
def phone_on_overview(phone, server):
    phone.page.goto(f"{server.url}/")
    wait_for_panels(phone.page)
    return phone.page


def test_every_kpi_number_is_on_the_first_screen(phone_on_overview):
    page = phone_on_overview
    assert page.evaluate("scrollY") == 0
    bottom = page.viewport_size["height"]
    for k in KPIS:
        box = page.locator(f"#kpi-{k.key}").bounding_box()
        assert box and box["y"] + box["height"] <= bottom, k.key
    # the filters are folded behind a button that names the filter in force
    assert page.is_visible("#filter-toggle")
    assert page.get_attribute("#filter-toggle", "aria-expanded") == "false"
    assert not page.is_visible("#filter-body")
    assert page.text_content("#filter-summary").startswith("全区 · ")
    assert cjk_renders(page)


def test_nothing_is_wider_than_the_screen_nor_written_under_12px(phone_on_overview):
    page = phone_on_overview
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.evaluate(SMALL_TEXT, False) == []


def test_charts_are_readable_on_a_phone(phone_on_overview):
    page = phone_on_overview
    # no plotly tool bar over the charts
    assert page.locator(".modebar-btn").evaluate_all("bs => bs.filter(b => b.getBoundingClientRect().width).length") == 0
    # the map's legend sits above the map, not over the northern streets
    legend, plot = (page.locator(f"#panel-map {sel}").first.bounding_box() for sel in (".legend", ".nsewdrag"))
    assert legend["y"] + legend["height"] <= plot["y"] + 1
    # sites by street: every street named, upright
    streets = page.eval_on_selector_all("#filter-street label", "ls => ls.map(l => l.textContent)")
    ticks = page.eval_on_selector_all("#panel-sites-by-street .ytick text", "ts => ts.map(t => t.textContent)")
    assert sorted(ticks) == sorted(streets)


def test_the_page_passes_axe_with_the_filters_open(phone_on_overview):
    page = phone_on_overview
    page.locator("#filter-toggle").tap()
    assert page.get_attribute("#filter-toggle", "aria-expanded") == "true"
    assert page.is_visible("#filter-body")
    assert axe_violations(page) == []
    page.locator("#filter-toggle").tap()
    assert not page.is_visible("#filter-body")


def test_a_tap_on_a_street_filters_the_page(phone, server, demo_store):
    page = phone.page
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    page.locator("#filter-toggle").tap()
    page.get_by_label("明水街道", exact=True).tap()
    page.wait_for_function("() => document.querySelector('#filter-summary').textContent.startsWith('明水街道')")
    wait_for_panels(page)
    expected = cli_json(demo_store, "--street", "370114001000")
    assert {k.key: int(page.text_content(f"#kpi-{k.key}").replace(",", "")) for k in KPIS} == \
        {k.key: expected[k.key] for k in KPIS}
    assert "street=370114001000" in page.url


def test_the_map_and_the_charts_answer_taps(phone, server):
    page = phone.page
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    # a bar: the first tap shows its value (what hover shows on a desktop), the second filters
    bars = page.locator("#panel-sites-by-street .js-plotly-plot")
    bars.scroll_into_view_if_needed()
    x, y = bars.evaluate("""gd => { const r = [...gd.querySelectorAll('.barlayer .point path')].map(p => p.getBoundingClientRect())
        .sort((a, b) => b.width * b.height - a.width * a.height)[0]; return [r.x + r.width / 2, r.y + r.height / 2]; }""")
    page.touchscreen.tap(x, y)
    page.wait_for_selector("#panel-sites-by-street .hoverlayer .hovertext")
    assert "处" in page.text_content("#panel-sites-by-street .hoverlayer .hovertext")
    page.wait_for_timeout(700)
    assert "street=" not in page.url
    page.touchscreen.tap(x, y)
    page.wait_for_function("() => location.search.includes('street=')")
    wait_for_panels(page)
    # a street on the map filters at once, as a click does
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    plot = page.locator("#panel-map .js-plotly-plot")
    plot.scroll_into_view_if_needed()
    x, y = plot.evaluate("""gd => { const traces = [...gd.querySelectorAll('.scatterlayer .trace')];
        const p = traces[traces.length - 1].querySelector('.point').getBoundingClientRect();
        return [p.x + p.width / 2, p.y + p.height / 2]; }""")
    page.touchscreen.tap(x, y)
    page.wait_for_function("() => location.search.includes('street=')")
    # the 嵌入/导出 menu opens by tap and stays on the screen
    page.locator("#menu-map").tap()
    menu = page.locator("#map-card .panel-menu")
    menu.wait_for(state="visible")
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert page.locator("#menu-map-url").text_content().startswith(server.url)


@pytest.mark.parametrize("path", ["/records/sites", "/records/branches?street=370114001000", "/briefing",
                                  "/reach", "/care", "/service"])
def test_the_records_lists_the_sections_and_the_briefing_fit_a_phone(chromium, server, path):
    p = Page(chromium, 360, 740, is_mobile=True, has_touch=True, device_scale_factor=2).login(server)
    try:
        p.page.goto(f"{server.url}{path}")
        p.page.wait_for_selector("main")
        if path in ("/reach", "/care", "/service"):  # the staff page's sections: their charts drawn
            wait_for_panels(p.page, graphs=2)
        assert p.page.evaluate(NO_SIDEWAYS_SCROLL)
        # the briefing's charts are A4 drawings scaled to the screen (pinch to zoom); its words are not
        assert p.page.evaluate(SMALL_TEXT, path == "/briefing") == []
        assert p.foreign_requests(server.url) == []
    finally:
        p.close()


def test_a_desktop_keeps_its_filters_open(page, server):
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    assert not page.is_visible("#filter-toggle")
    assert page.is_visible("#filter-body")
    assert page.is_visible("#header-scope")


# what reaches past the right edge of the screen (cut off), tables that scroll in their own box aside
BEYOND_THE_EDGE = """() => [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.table-responsive') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize("width,height", [(360, 740), (1366, 768)])
def test_the_pages_outside_dash_reach_no_further_than_the_screen(chromium, server, width, height):
    """The login, password, archive and admin pages: their header and forms end at the screen's edge."""
    p = Page(chromium, width, height, **({"is_mobile": True, "has_touch": True} if width < 500 else {}))
    try:
        p.page.goto(f"{server.url}/login")
        assert p.page.evaluate(BEYOND_THE_EDGE) == [], "/login"
        p.login(server)
        for path in ("/password", "/briefing/archive", "/admin"):
            p.page.goto(f"{server.url}{path}")
            p.page.wait_for_selector("main")
            assert p.page.evaluate(BEYOND_THE_EDGE) == [], path
    finally:
        p.close()


def test_the_archives_tables_become_cards_on_a_phone_each_value_under_its_columns_name(chromium, server, demo_store):
    import datetime as dt

    from dashboard.schedules import Rhythm, add_schedule, schedules
    from dashboard.schedules import repository as repo
    from dashboard.store import utcnow

    s = next((x for x in schedules(demo_store) if x.name == "手机检查年报"), None) or add_schedule(
        demo_store, name="手机检查年报", streets=("明水街道",), fmt="pptx", rhythm=Rhythm(12, 1), keep=1, charts=None,
        created_by="test", now=utcnow())
    if repo.run_of(demo_store, s.id, dt.date(2026, 1, 1)) is None:  # an ok run: the server's runner leaves it be
        run = repo.begin(demo_store, s, dt.date(2026, 1, 1), utcnow())
        repo.finish(demo_store, run.id, utcnow(), file_name="手机检查年报.pptx", size=2_345_678)
    tables = """() => [...document.querySelectorAll('main table')].map(t => ({
        sideways: t.parentElement.scrollWidth - t.parentElement.clientWidth,
        header: getComputedStyle(t.querySelector('thead')).position,
        first: getComputedStyle(t.querySelector('tbody td'), '::before').content }))"""
    for width, height in ((360, 740), (1366, 768)):
        p = Page(chromium, width, height, **({"is_mobile": True, "has_touch": True} if width < 500 else {})).login(server)
        try:
            p.page.goto(f"{server.url}/briefing/archive")
            p.page.wait_for_selector("main")
            assert p.page.get_by_text("2.2 MB").is_visible()
            found = p.page.evaluate(tables)
            assert len(found) == 2 and all(t["sideways"] <= 1 for t in found), found
            if width < 500:  # a card per row: the header row out of sight, each cell named
                assert [t["first"] for t in found] == ['"日期"', '"编号"'] and {t["header"] for t in found} == {"absolute"}
                assert axe_violations(p.page) == []  # the tables keep their headers for screen readers
            else:
                assert {t["first"] for t in found} == {"none"} and {t["header"] for t in found} == {"static"}
        finally:
            p.close()
