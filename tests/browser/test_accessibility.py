"""WCAG 2.1 A/AA checks by axe-core on every page, the big screen's dark theme included."""
from __future__ import annotations

from pathlib import Path

import pytest
from support import wait_for_panels

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    # evaluated by the test tool, not as a <script> element: the page's own CSP allows no inline scripts
    page.evaluate(AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 200))}));
    }""")
    return result


@pytest.mark.parametrize("path", ["/", "/?street=370114001000", "/reach", "/care?street=370114001000", "/service",
                                  "/embed/kpi-volunteers", "/embed/three-meetings"])
def test_staff_pages_have_no_wcag_violations(page, server, path):
    page.goto(f"{server.url}{path}")
    if path.startswith("/?") or path == "/":
        wait_for_panels(page)
    elif not path.startswith("/embed"):  # a section of the staff page: two to four charts, no numbers
        wait_for_panels(page, graphs=2)
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


@pytest.mark.parametrize("path", ["/admin", "/admin/links/new?target=map", "/admin/audit", "/password",
                                  "/briefing/archive"])
def test_the_admin_and_account_pages_have_no_wcag_violations(page, server, path):
    page.goto(f"{server.url}{path}")
    page.wait_for_selector("main")
    assert axe_violations(page) == []


def test_the_archive_with_its_mail_controls_has_no_wcag_violations_and_one_subscribes_by_clicking(page, server,
                                                                                                 demo_store):
    from dashboard.schedules import Rhythm, add_schedule, schedules, subscribers
    from dashboard.store import utcnow

    s = next((x for x in schedules(demo_store) if x.name == "无障碍检查月报"), None) or add_schedule(
        demo_store, name="无障碍检查月报", streets=(), fmt="pdf", rhythm=Rhythm(12, 1), keep=1, charts=None,
        created_by="test", now=utcnow())
    page.goto(f"{server.url}/briefing/archive")
    page.get_by_label("我的邮箱(订阅的定期简报发到这里)").fill("tester@zq.gov.cn")
    with page.expect_navigation():
        page.get_by_role("button", name="保存邮箱").click()
    assert "已保存邮箱" in page.text_content("[role=status]")
    with page.expect_navigation():
        page.get_by_role("button", name="订阅定期简报 无障碍检查月报").click()
    assert "已订阅“无障碍检查月报”" in page.text_content("[role=status]")
    assert [x.email for x in subscribers(demo_store, s.id)] == ["tester@zq.gov.cn"]
    assert axe_violations(page) == []


def test_the_login_page_has_no_wcag_violations(chromium, server):
    from support import Page

    p = Page(chromium, 1366, 768)
    try:
        p.page.goto(f"{server.url}/login")
        p.page.get_by_label("用户名").fill("nobody")
        p.page.get_by_label("密码", exact=True).fill("wrong-pass-1")
        with p.page.expect_navigation():
            p.page.get_by_label("密码", exact=True).press("Enter")
        assert "用户名或密码不正确" in p.page.text_content("[role=alert]")
        assert axe_violations(p.page) == []
    finally:
        p.close()
