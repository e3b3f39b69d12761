"""明细 and 需关注 in headless Chromium: a KPI's link opens a list exactly as long as the number,
the 需关注 list shows one kind alone, and its items lead to their records."""
from __future__ import annotations

import re

from support import wait_for_panels

from dashboard.attention import KIND_LABELS


def listed_total(page) -> int:
    text = page.text_content(".records-pager")
    return int(re.search(r"共 ([\d,]+) 条", text).group(1).replace(",", ""))


def test_a_kpis_link_opens_a_list_as_long_as_its_number(page, server):
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    shown = int(page.text_content("#kpi-party_members").replace(",", ""))
    page.click("#kpi-party_members-records")
    page.wait_for_url(re.compile(r"/records/members\?"))
    page.wait_for_selector(".records-table")
    assert listed_total(page) == shown
    assert page.text_content("#records-caption").startswith("党员 · 全区")
    page.click("text=姓名")  # sort by name: a link, so the URL says it
    page.wait_for_url(re.compile(r"sort=name"))
    page.wait_for_selector(".records-table")
    assert listed_total(page) == shown


def test_the_attention_list_shows_one_kind_alone_and_leads_to_records(page, server):
    page.goto(f"{server.url}/")
    wait_for_panels(page)
    rows = page.locator("#panel-attention tbody tr")
    assert rows.count() > 0
    kinds = {t.strip() for t in page.eval_on_selector_all("#panel-attention tbody tr td:first-child",
                                                          "cells => cells.map(c => c.textContent)")}
    kind = next(k for k, label in KIND_LABELS.items() if label in kinds)
    page.select_option("#attention-group", kind)
    page.wait_for_function("() => document.querySelector('#attention-group-box').className.includes('group-only')")
    visible = page.eval_on_selector_all("#panel-attention tbody tr",
                                        "rows => rows.filter(r => r.offsetParent !== null).map(r => r.cells[0].textContent)")
    assert visible and set(visible) == {KIND_LABELS[kind]}
    link = page.locator("#panel-attention tbody tr a").first
    link.click()
    page.wait_for_url(re.compile(r"/records/"))
    page.wait_for_selector("#records-caption")
    assert "Error" not in page.text_content("body")
