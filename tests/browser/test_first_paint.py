"""Numbers before scripts: the first response of ``/`` already shows the KPI numbers and the
scope, and the live page takes its place without moving anything."""
from __future__ import annotations

from support import Page, cli_json, wait_for_panels

from dashboard.catalogue import NUMBERS as KPIS


def test_the_numbers_are_in_the_first_response_and_readable_without_javascript(chromium, server, demo_store):
    # a browser that runs no script at all: what a leader sees before plotly.js and React arrive
    p = Page(chromium, 1366, 768, javascript=False).login(server)
    p.page.goto(f"{server.url}/?street=370114001000")
    expected = cli_json(demo_store, "--street", "370114001000")
    for k in KPIS:
        box = p.page.locator(f"#ssr-kpi-{k.key}")
        assert box.is_visible(), k.key
        assert int(box.text_content().replace(",", "")) == expected[k.key], k.key
    assert "明水街道" in p.page.text_content("#ssr-header-scope")
    foreign = p.foreign_requests(server.url)
    p.close()
    assert foreign == []


def test_the_live_page_replaces_the_copy_in_place(page, server):
    # where the copy's number stands once the HTML is read, before any script of the page runs
    page.add_init_script("""
        window.__shift = 0;
        new PerformanceObserver(list => list.getEntries().forEach(e => {
            if (!e.hadRecentInput) window.__shift += e.value; })).observe({type: 'layout-shift', buffered: true});
        document.addEventListener('readystatechange', () => {
            const copy = document.getElementById('ssr-kpi-party_members');
            if (document.readyState === 'interactive' && copy) window.__copyTop = copy.getBoundingClientRect().top;
        });
    """)
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    copy_top = page.evaluate("window.__copyTop")
    assert copy_top is not None
    assert page.locator("#ssr-page").count() == 0  # one page left, and no id twice
    assert page.evaluate("() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
                         " return ids.length - new Set(ids).size; }") == 0
    assert abs(page.evaluate("document.getElementById('kpi-party_members').getBoundingClientRect().top") - copy_top) < 2
    assert page.evaluate("window.__shift") < 0.1  # "good" cumulative layout shift
