"""The staff page's sections (概况, 四就近, 关心照顾, 作用发挥): each a page of its own with the same
filters, tabs that keep the filter, and a filter change that computes only the page's own panels."""
from __future__ import annotations

import json

from support import wait_for_panels

from dashboard import catalogue

MINGSHUI, SHUANGSHAN = "370114001000", "370114002000"


def slot_panels(request) -> set[str]:
    """The panels whose components a callback POST asks to fill."""
    body = json.loads(request.post_data)
    listed = [o for group in body["outputs"] if isinstance(group, list) for o in group]
    return {o["id"]["panel"] for o in listed if isinstance(o.get("id"), dict)}


def test_the_tabs_keep_the_filter_and_each_page_shows_its_own_panels(page, server):
    page.goto(f"{server.url}/?street={MINGSHUI}")
    wait_for_panels(page)
    assert page.get_attribute("#section-tab-overview", "aria-current") == "page"
    page.click("#section-tab-care")
    page.wait_for_url(f"**/care?street={MINGSHUI}")
    wait_for_panels(page, graphs=2)
    assert page.get_attribute("#section-tab-care", "aria-current") == "page"
    assert "明水街道" in page.text_content("#header-scope")
    care = {p.id for p in catalogue.in_section("care")}
    for panel in catalogue.on("overview"):
        shown = page.query_selector(f"#{panel.id}-card") is not None
        assert shown == (panel.id in care), panel.id
    assert page.is_checked(f'#filter-street input[value="{MINGSHUI}"]')


def test_a_filter_change_on_a_section_stays_there_and_computes_only_its_panels(page, server):
    page.goto(f"{server.url}/service")
    wait_for_panels(page, graphs=2)
    with page.expect_request(lambda r: "_dash-update-component" in r.url and "filter-state" in (r.post_data or "")) as asked:
        page.get_by_label("双山街道", exact=True).check()
    assert slot_panels(asked.value) == {p.id for p in catalogue.in_section("service")}
    page.wait_for_function("() => document.querySelector('#header-scope').textContent.includes('双山街道')")
    wait_for_panels(page, graphs=2)
    assert page.evaluate("location.pathname + location.search") == f"/service?street={SHUANGSHAN}"
    # the other sections' links carry the new filter, and so does a panel's 明细 link
    assert page.get_attribute("#section-tab-reach", "href") == f"/reach?street={SHUANGSHAN}"
    assert f"street={SHUANGSHAN}" in page.get_attribute("#volunteer-service-records a", "href")
    page.go_back()
    page.wait_for_function("() => !document.querySelector('#header-scope').textContent.includes('双山街道')")
    assert not page.is_checked(f'#filter-street input[value="{SHUANGSHAN}"]')


CLIPPED_LABELS = """() => {
    const out = [];
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
        const svg = plot.querySelector('.main-svg');
        if (!svg) continue;
        const box = svg.getBoundingClientRect();
        for (const t of plot.querySelectorAll('.xtick text, .ytick text, .x2tick text, .y2tick text')) {
            const r = t.getBoundingClientRect();
            if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1))
                out.push((plot.closest('[id$="-card"]') || plot).id + ': ' + t.textContent);
        }
    }
    return out;
}"""


def test_no_axis_label_of_any_section_is_cut_off_at_the_edge_of_its_chart(chromium, server):
    """Every tick label (months, streets, teams) lies inside its chart, at a laptop's and a full HD width."""
    from support import Page

    for width, height in ((1366, 768), (1920, 1080)):
        p = Page(chromium, width, height).login(server)
        try:
            for path, graphs in (("/", 6), ("/reach", 2), ("/care", 2), ("/service", 4)):
                p.page.goto(f"{server.url}{path}")
                wait_for_panels(p.page, graphs=graphs)
                p.page.wait_for_timeout(500)
                assert p.page.evaluate(CLIPPED_LABELS) == [], (width, path)
        finally:
            p.close()
