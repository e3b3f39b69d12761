"""The staff page in headless Chromium against a real server on a seeded store."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import insert, select
from support import Page, cjk_renders, cli_json, wait_for_panels

from dashboard.catalogue import NUMBERS as KPIS
from dashboard.schema import Organisation, Site


def page_kpis(page) -> dict[str, int]:
    return {k.key: int(page.text_content(f"#kpi-{k.key}").replace(",", "")) for k in KPIS}


def open_page(page, server, query: str = "") -> None:
    page.goto(f"{server.url}/{query}")
    wait_for_panels(page)


def test_kpis_for_the_whole_district_equal_the_cli(page, server, demo_store):
    open_page(page, server)
    expected = cli_json(demo_store)
    assert page_kpis(page) == {k.key: expected[k.key] for k in KPIS}
    assert "演示数据" in page.text_content("header")
    assert page.get_attribute("html", "lang") == "zh-CN"


def test_kpis_for_one_street_and_one_branch_equal_the_cli(page, server, demo_store):
    open_page(page, server, "?street=370114001000")
    expected = cli_json(demo_store, "--street", "370114001000")
    assert page_kpis(page) == {k.key: expected[k.key] for k in KPIS}
    with demo_store.engine.connect() as c:
        branch = c.execute(select(Organisation.id).where(Organisation.name == "明水街道老干部党支部")).scalar_one()
    open_page(page, server, f"?branch={branch}")
    expected = cli_json(demo_store, "--branch", str(branch))
    assert page_kpis(page) == {k.key: expected[k.key] for k in KPIS}
    assert "明水街道老干部党支部" in page.text_content("#header-scope") if page.query_selector("#header-scope") else True


def test_the_three_meetings_table_lists_each_branch_and_follows_the_filter(page, server, demo_store):
    from dashboard.indicators import resolve_filter
    from dashboard.indicators.three_meetings import three_meetings

    def expected(streets: tuple[str, ...]) -> list[str]:
        with demo_store.engine.connect() as c:
            return sorted(r.name for r in three_meetings(c, resolve_filter(c, streets=streets)))

    def shown() -> list[str]:
        return sorted(page.eval_on_selector_all("#panel-three-meetings tbody tr td:first-child",
                                                "cells => cells.map(c => c.textContent)"))

    open_page(page, server)
    assert shown() == expected(())
    assert page.locator("#panel-three-meetings .status").count() == len(expected(()))
    page.get_by_label("明水街道", exact=True).check()
    page.wait_for_function("() => document.querySelectorAll('#panel-three-meetings tbody tr').length == "
                           f"{len(expected(('370114001000',)))}")
    assert shown() == expected(("370114001000",))


def test_url_round_trip_restores_the_view_and_back_forward_step(page, server, demo_store):
    open_page(page, server, "?street=370114002000&period=2025")
    assert page.is_checked('#filter-street input[value="370114002000"]')
    assert page.input_value("#filter-period") == "2025"
    expected = cli_json(demo_store, "--street", "370114002000", "--from", "2025-01-01", "--to", "2025-12-31",
                        "--as-of", "2025-12-31")
    assert page_kpis(page)["activities"] == expected["activities"]
    first = page_kpis(page)
    # change the period through the control: the URL follows
    page.select_option("#filter-period", "12m")
    page.wait_for_function("() => !location.search.includes('period=')")
    wait_for_panels(page)
    assert parse_qs(urlparse(page.url).query) == {"street": ["370114002000"]}
    page.go_back()
    page.wait_for_function("() => location.search.includes('period=2025')")
    wait_for_panels(page)
    page.wait_for_function(f"() => document.querySelector('#kpi-activities').textContent.replace(/,/g,'') == '{first['activities']}'")
    assert page_kpis(page) == first


def test_a_click_on_a_streets_bar_filters_the_page(page, server, demo_store):
    open_page(page, server)
    bar = page.locator("#panel-sites-by-street .barlayer .point path >> visible=true").first  # not a zero-height bar
    bar.click(force=True)
    page.wait_for_function("() => location.search.includes('street=')")
    wait_for_panels(page)
    street = parse_qs(urlparse(page.url).query)["street"][0]
    expected = cli_json(demo_store, "--street", street)
    page.wait_for_function(f"() => document.querySelector('#kpi-party_members').textContent.replace(/,/g,'') == '{expected['party_members']}'")


def test_a_click_on_the_map_filters_the_page(page, server):
    open_page(page, server)
    # the street markers are the map's last trace; click 明水街道's
    index = page.evaluate("""() => {
        const gd = document.querySelector('#panel-map .js-plotly-plot');
        return gd._fullData.at(-1).customdata.findIndex(c => c[0] === '370114001000');
    }""")
    page.locator("#panel-map .scatterlayer .trace").last.locator(".point").nth(index).click(force=True)
    page.wait_for_function("() => location.search.includes('street=370114001000')")
    wait_for_panels(page)
    assert page.is_checked('#filter-street input[value="370114001000"]')


def test_the_map_draws_every_open_site_with_its_type_in_the_legend(page, server, demo_store):
    open_page(page, server)
    expected = cli_json(demo_store)
    drawn = page.evaluate("""() => {
        const gd = document.querySelector('#panel-map .js-plotly-plot');
        return Object.fromEntries(gd._fullData.slice(1, -1).map(t => [t.name, t.x.length]));
    }""")
    assert drawn == {k: v for k, v in expected["sites_by_type"].items() if v}
    legend = page.text_content("#panel-map .legend")
    assert "芳华剧场" in legend and "关心下一代教育基地" in legend


def test_a_site_added_by_sql_shows_up_within_one_refresh(page, server, demo_store):
    open_page(page, server)
    before = page_kpis(page)["education_bases"]
    with demo_store.engine.begin() as c:
        next_id = c.execute(select(Site.id).order_by(Site.id.desc())).scalars().first() + 1
        c.execute(insert(Site).values(
            id=next_id, code=f"TEST{next_id}", name="测试新增教育基地", type="关心下一代教育基地",
            street_code="370114001000", community="测试社区", lon=117.54, lat=36.72, co_built=False,
            standardised=False, opened_on=__import__("datetime").date(2015, 1, 1)))
    start = time.time()
    page.wait_for_function(
        f"() => document.querySelector('#kpi-education_bases').textContent.replace(/,/g,'') == '{before + 1}'",
        timeout=(2 + 2) * 1000)  # refresh interval (2 s in tests) plus slack
    assert time.time() - start < 4


def test_malformed_and_unknown_filters_get_a_clear_message(page, server):
    page.goto(f"{server.url}/?as_of=2020-13-01")
    page.wait_for_selector("#page-message .alert")
    assert "不是有效日期" in page.text_content("#page-message")
    page.goto(f"{server.url}/?street=火星街道")
    page.wait_for_selector("#page-message .alert")
    assert "未知的街道" in page.text_content("#page-message")
    assert page.text_content("#kpi-party_members") == "—"


def test_a_filter_that_matches_nothing_shows_empty_panels(page, server):
    open_page(page, server, "?as_of=2013-01-02&period=custom&from=2013-01-01&to=2013-01-02")
    assert "暂无数据" in page.text_content("#panel-latest-activities")
    assert page.locator("#panel-volunteers-by-team text", has_text="暂无数据").count() == 1


@pytest.mark.parametrize("width, height", [(1366, 768), (1920, 1080)])
def test_layout_fits_without_horizontal_scrolling(chromium, server, artifacts, width, height):
    p = Page(chromium, width, height).login(server)
    try:
        open_page(p.page, server)
        p.page.wait_for_timeout(1000)
        scroll_width = p.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width
        p.page.screenshot(path=str(artifacts / "screenshots" / f"overview-{width}x{height}.png"), full_page=True)
        assert cjk_renders(p.page), "Chinese text draws as boxes: install a CJK font (fonts-noto-cjk)"
        assert p.foreign_requests(server.url) == []
    finally:
        p.close()


@pytest.mark.parametrize("path", ["/?street=370114002000", "/screen"])
def test_the_page_asks_for_its_layout_once_while_its_scripts_load(chromium, server, path):
    """The layout is preloaded from the page's head and the renderer takes that response, so
    the page does not wait for its scripts before asking (nor ask twice)."""
    p = Page(chromium, 1920, 1080).login(server)
    # the big screen clears the browser's timing buffer at each poll: an observer keeps them
    p.page.add_init_script("""new PerformanceObserver(list => list.getEntries().forEach(
        e => (window.__timing = window.__timing || {})[e.name.split('?')[0]] = [e.startTime, e.responseEnd]))
        .observe({type: 'resource', buffered: true})""")
    try:
        p.page.goto(f"{server.url}{path}")
        p.page.wait_for_selector(".js-plotly-plot .main-svg")
        assert sum(u.endswith("/_dash-layout") for u in p.requests) == 1
        assert sum(u.endswith("/_dash-dependencies") for u in p.requests) == 1
        layout_asked, plotly_arrived = p.page.evaluate("""() => {
            const at = end => Object.entries(window.__timing).find(([name]) => name.endsWith(end))[1];
            return [at('/_dash-layout')[0], at('/plotly-zq.min.js')[1]];
        }""")
        assert layout_asked < plotly_arrived, "the layout was asked for only after the scripts had loaded"
    finally:
        p.close()
