"""WCAG 2.1 A/AA checks by axe-core on every page, the big screen's dark theme included."""
from __future__ import annotations

from pathlib import Path

import pytest
from support import wait_for_panels

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 200))}));
    }""")
    return result


@pytest.mark.parametrize("path", ["/", "/?street=370114001000", "/embed/kpi-volunteers", "/embed/three-meetings"])
def test_staff_pages_have_no_wcag_violations(page, server, path):
    page.goto(f"{server.url}{path}")
    if path.startswith("/?") or path == "/":
        wait_for_panels(page)
    else:
        page.wait_for_selector("#embed-caption:not(:empty)")
    assert axe_violations(page) == []


def test_the_big_screen_has_no_wcag_violations(page, server):
    page.goto(f"{server.url}/screen?rotate=0")
    page.wait_for_function("() => document.querySelectorAll('.screen-canvas .js-plotly-plot').length >= 5"
                           " && document.querySelector('#kpi-volunteers').dataset.value !== ''")
    page.wait_for_timeout(1500)  # the count-up finishes
    assert axe_violations(page) == []


def test_the_data_page_has_no_wcag_violations(page, server):
    page.goto(f"{server.url}/data")
    page.wait_for_selector("main")
    page.wait_for_timeout(1000)
    assert axe_violations(page) == []
