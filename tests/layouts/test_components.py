"""Pure component builders, tested as component trees."""
from __future__ import annotations

import datetime as dt
import re

from dash import html

from dashboard import catalogue, tables
from dashboard.indicators.breakdowns import StreetRow
from dashboard.indicators.filters import Filter
from dashboard.indicators.three_meetings import BranchMeetings
from dashboard.views import ViewContext
from layouts import components
from layouts.overview import layout
from tests.tree import find, html_of, text_of, walk

CONTEXT = ViewContext(Filter.district(dt.date(2026, 11, 29)),
                      [StreetRow("370114001000", "明水街道", "街道", 117.54, 36.72)])


def test_kpi_card_holds_the_number_alone_under_its_id():
    card = components.kpi_card(catalogue.panel("kpi-volunteers"), value="638", change="▲ 71 较上年同期")
    value = find(card, "kpi-volunteers")
    assert isinstance(value, html.Span) and text_of(value) == "638"
    assert find(card, "kpi-volunteers-title").children == "志愿者"
    assert text_of(find(card, "kpi-volunteers-delta")) == "▲ 71 较上年同期"


def test_latest_activities_are_listed_newest_first_with_names_escaped():
    from dashboard.indicators.breakdowns import ActivityRow

    rows = [ActivityRow(dt.date(2026, 11, 20), "志愿服务", "<i>清扫</i>", "明水街道", 12),
            ActivityRow(dt.date(2026, 11, 2), "老年教育", "书法课", "双山街道", 30)]
    markup = html_of(components.list_block(tables.latest_activities(rows, CONTEXT)))
    assert markup.index("2026-11-20") < markup.index("2026-11-02")
    assert "&lt;i&gt;清扫&lt;/i&gt;" in markup and "<i>" not in markup
    assert '<time class="act-date" datetime="2026-11-02">' in markup and "双山街道 · 30人" in markup


def test_a_panel_menu_offers_the_embed_code_and_downloads_with_labelled_copy_buttons():

    menu = components.panel_menu("map", "阵地分布图")
    markup = html_of(menu)
    assert 'id="menu-map-png" href="/export/map.png"' in markup and 'href="/export/map.svg"' in markup
    copied = re.findall(r'data-copy="([^"]+)"', markup)
    assert copied == ["menu-map-url", "menu-map-code"]
    assert all(f'<code class="menu-code" id="{c}" aria-labelledby="{c}-label">' in markup for c in copied)
    # the visible word starts the accessible name; results are announced in a status line
    assert '<span class="menu-copy-text">复制</span><span class="visually-hidden">嵌入链接</span></button>' in markup
    assert 'role="status"' in markup


def test_three_meetings_table_puts_the_worst_first_and_names_the_status():
    def row(name, held):
        req = {"支部党员大会": 4, "支委会": 12, "党小组会": 12, "党课": 4}
        return BranchMeetings(1, name, "建制型", "370114001000", held, req, {k: min(held[k], req[k]) for k in req})
    good = row("好支部", {"支部党员大会": 4, "支委会": 12, "党小组会": 12, "党课": 4})
    bad = row("差支部", {"支部党员大会": 1, "支委会": 5, "党小组会": 12, "党课": 4})
    table = components.table_block(tables.three_meetings([good, bad], CONTEXT))
    markup = html_of(table)
    rows = markup.split("<tr>")[2:]  # after the header row
    assert "差支部" in rows[0] and "未达标" in rows[0]
    # the cell says held/required, and leads to the branch's meetings of that kind
    assert re.search(r'<td title="已开1次,应开4次,落实1个周期"><a href="/records/activities\?[^"]*org=1&amp;'
                     r'category=%E6%94%AF%E9%83%A8%E5%85%9A%E5%91%98%E5%A4%A7%E4%BC%9A">1/4</a></td>', rows[0])
    assert "好支部" in rows[1] and ">达标<" in rows[1]
    assert '<th scope="col">状态</th>' in markup and "<caption>" in markup


def test_a_page_lists_the_worst_hundred_branches_and_links_to_the_rest():
    from dataclasses import replace

    req = {"支部党员大会": 4, "支委会": 12, "党小组会": 12, "党课": 4}
    rows = [BranchMeetings(i, f"第{i}支部", "建制型", "370114001000", {k: i % 5 for k in req}, req,
                           {k: min(i % 5, req[k]) for k in req}) for i in range(130)]
    page = tables.three_meetings(rows, CONTEXT)
    assert len(page.rows) == tables.MEETING_ROWS + 1 and "另有 30 个党支部未列出" in page.note
    last = page.rows[-1][0]
    assert last.text == "另有30个党支部未列出,查看全部党支部 ›" and last.href.startswith("/records/branches?")
    assert all(r[-1].text == "未达标" for r in page.rows[:-1])  # the worst come first
    # an image has room for what it has room for, and no link
    image = tables.three_meetings(rows, replace(CONTEXT, max_rows=12))
    assert len(image.rows) == 12 and "另有 118 个党支部未列出" in image.note


def test_branch_names_are_escaped_in_the_table():
    row = BranchMeetings(1, "<b>支部</b>", "建制型", "x", {k: 0 for k in ("支部党员大会", "支委会", "党小组会", "党课")},
                         {k: 0 for k in ("支部党员大会", "支委会", "党小组会", "党课")},
                         {k: 0 for k in ("支部党员大会", "支委会", "党小组会", "党课")})
    assert "&lt;b&gt;支部&lt;/b&gt;" in html_of(components.table_block(tables.three_meetings([row], CONTEXT)))


def test_empty_lists_say_no_data():
    assert components.list_block(tables.latest_activities([], CONTEXT)).children == "暂无数据"
    assert components.table_block(tables.three_meetings([], CONTEXT)).children == "暂无数据"


def test_every_filter_control_has_a_visible_label():
    from dashboard.query import FilterArgs

    page = layout(content={"street_options": [{"label": "明水街道(街道)", "value": "370114001000"}],
                           "args": FilterArgs(streets=("370114001000",))}, search="?street=370114001000")
    for control in ("filter-branch", "filter-period", "filter-from", "filter-to", "filter-as-of"):
        assert find(page, f"{control}-label").htmlFor == control
    streets = find(page, "filter-street")  # checkboxes, each labelled by its street, in a fieldset
    assert streets.value == ["370114001000"] and streets.options[0]["label"] == "明水街道(街道)"


def test_the_page_arrives_with_its_panels_filled_in():
    """Nothing waits for a callback on arrival: the layout carries each panel's value."""
    from layouts import ids

    numbers = catalogue.NUMBERS
    filled = {f"{p.id}:value": str(i) for i, p in enumerate(numbers)}
    filled["map"] = {"data": [], "layout": {"title": {"text": "地图"}}}
    page = layout(content={"values": {(ids.SCOPE_TEXT, "children"): "范围:全区"}, "filled": filled})
    assert [text_of(find(page, ids.kpi(p.key))) for p in numbers] == [str(i) for i in range(len(numbers))]
    assert find(page, ids.panel("map")).children.figure["layout"]["title"]["text"] == "地图"
    assert find(page, ids.SCOPE_TEXT).children == "范围:全区"
    map_menu = next(n for n in walk(page) if n.to_plotly_json()["props"].get("data-panel") == "map")
    assert 'href="/export/map.png"' in html_of(map_menu)
    assert find(page, ids.URL).search == ""  # set, so the URL component announces no change on arrival


def test_on_a_phone_the_filters_fold_behind_a_button_that_names_the_filter_in_force():
    """assets/phone.js opens the controls by the button; dashboard.css shows it under 768 px only."""
    from layouts import ids

    page = layout(content={"values": {(ids.FILTER_SUMMARY, "children"): "全区 · 2025-12-07–2026-12-06 · 截至12-06"}})
    toggle = find(page, ids.FILTER_TOGGLE)
    props = toggle.to_plotly_json()["props"]
    assert toggle.type == "button" and props["aria-expanded"] == "false" and props["aria-controls"] == ids.FILTER_BODY
    assert find(page, ids.FILTER_SUMMARY).children.startswith("全区 · ")
    body = find(page, ids.FILTER_BODY)  # every control inside it, labelled as before
    assert {find(body, c).id for c in (ids.STREET, ids.BRANCH, ids.PERIOD, ids.AS_OF, ids.RESET)}


def test_the_only_select_starts_on_all_kinds_and_every_kind_can_be_shown_alone():
    """The 需关注 table's 只看: its first choice shows (not a blank box), and choosing any kind hides
    the others (the stylesheet has a rule for each; one was missing for a kind added later)."""
    from pathlib import Path

    from dashboard.attention import KINDS
    from dashboard.catalogue import panel
    from layouts.panel_views import group_filtered

    select = group_filtered(panel("attention"), None).children[0].children[1]
    assert select.value == select.options[0]["value"] == "all" and select.options[0]["label"] == "全部类别"
    css = (Path(__file__).resolve().parents[2] / "assets" / "dashboard.css").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f'.group-only-{kind} tr[data-group]:not([data-group="{kind}"])' in css, kind
