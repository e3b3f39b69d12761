"""/embed/<panel-id>: one panel alone with its caption, and the 嵌入/导出 menu on /."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from support import cli_json, wait_for_panels


def test_an_embedded_kpi_shows_the_number_and_the_filter(page, server, demo_store):
    page.set_viewport_size({"width": 400, "height": 240})
    page.goto(f"{server.url}/embed/kpi-volunteers?street=370114001000")
    page.wait_for_function("() => /^[0-9,]+$/.test((document.querySelector('#kpi-volunteers') || {}).textContent || '')")
    expected = cli_json(demo_store, "--street", "370114001000")
    assert int(page.text_content("#kpi-volunteers").replace(",", "")) == expected["volunteers"]
    caption = page.text_content("#embed-caption")
    assert "明水街道" in caption and expected["as_of"] in caption
    assert page.evaluate("document.documentElement.scrollWidth") <= 400


def test_an_embedded_chart_fills_its_frame(page, server, artifacts):
    page.set_viewport_size({"width": 800, "height": 480})
    page.goto(f"{server.url}/embed/sites-by-street")
    page.wait_for_selector("#embed-graph .barlayer .point >> visible=true")  # a zero-height bar is drawn but not visible
    box = page.locator("#embed-graph").bounding_box()
    assert box["width"] > 700 and box["height"] > 300
    assert "全区" in page.text_content("#embed-caption")
    page.screenshot(path=str(artifacts / "screenshots" / "embed-sites-by-street-800x480.png"))


def test_an_unknown_panel_says_so(page, server):
    page.goto(f"{server.url}/embed/no-such-panel")
    page.wait_for_selector(".embed-error")
    assert "没有这个面板" in page.text_content(".embed-error")


def test_the_panel_menu_gives_links_for_the_current_filter(page, server):
    page.goto(f"{server.url}/?street=370114002000")
    wait_for_panels(page)
    page.click("#menu-map")
    link = page.locator("#menu-map-url")
    link.wait_for()
    assert link.text_content() == f"{server.url}/embed/map?street=370114002000"
    code = page.locator("#menu-map-code").text_content()
    assert code.startswith("<iframe src=") and 'title="阵地分布图"' in code
    assert page.get_attribute("#menu-map-png", "href") == "/export/map.png?street=370114002000"
    # after a filter change the menu, opened again, follows it
    page.click("#menu-map")
    page.get_by_label("明水街道", exact=True).check()
    page.wait_for_function("() => location.search.includes('370114001000')")
    page.click("#menu-map")
    assert "street=370114001000" in page.locator("#menu-map-url").text_content()
    assert "street=370114001000" in page.get_attribute("#menu-map-svg", "href")


def test_the_copy_button_copies_the_embed_link(page, server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"{server.url}/?street=370114002000")
    wait_for_panels(page)
    page.click("#menu-sites-by-street")
    page.get_by_role("button", name=re.compile(r"^复制\s*嵌入链接$")).click()
    status = page.locator("details[data-panel=sites-by-street] [role=status]")
    expect(status).to_have_text("已复制嵌入链接")
    assert page.evaluate("navigator.clipboard.readText()") == f"{server.url}/embed/sites-by-street?street=370114002000"


def test_without_the_clipboard_api_the_copy_still_works_and_keeps_the_focus(page, server):
    """An intranet server on plain http has no navigator.clipboard: the older route copies."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    page.evaluate("() => Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true})")
    page.click("#menu-map")
    button = page.get_by_role("button", name=re.compile(r"^复制\s*iframe 代码$"))
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details[data-panel=map] [role=status]")).to_have_text("已复制iframe 代码")
    assert page.evaluate("document.activeElement.getAttribute('data-copy')") == "menu-map-code"
    page.evaluate("() => delete navigator.clipboard")
    assert page.evaluate("navigator.clipboard.readText()").startswith(f'<iframe src="{server.url}/embed/map"')


def test_a_panel_menu_closes_on_a_click_elsewhere_and_on_escape(page, server):
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    menu = page.locator("details[data-panel=kpi-volunteers]")
    page.click("#menu-kpi-volunteers")
    expect(menu).to_have_attribute("open", "")
    page.click("h1")
    expect(menu).not_to_have_attribute("open", "")
    page.click("#menu-kpi-volunteers")
    page.get_by_role("button", name=re.compile(r"^复制\s*嵌入链接$")).focus()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.id") == "menu-kpi-volunteers"
