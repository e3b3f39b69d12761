"""明细 pages (/records/<kind>) and their download, through the real app and its login: each
figure's link opens a list exactly as long as the figure, within the asker's streets."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import unquote

import pytest
from dash import no_update
from openpyxl import load_workbook
from sqlalchemy import select

from callbacks import overview as overview_cb
from dashboard import catalogue, vocab
from dashboard.indicators import Filter, kpis
from dashboard.settings import Settings
from tests.acting import acting_as, client_as
from tests.building import MINGSHUI, SHUANGSHAN

DAY = dt.date(2020, 7, 1)



@pytest.fixture(scope="module")
def app(report_store):
    from app import create_app

    return create_app(Settings(database_url=report_store.url), store=report_store)


def layout_text(client, path: str) -> str:
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    assert r.status_code == 200
    return json.dumps(r.get_json(), ensure_ascii=False)


def total_of(text: str) -> int:
    found = re.search(r"共 ([\d,]+) 条", text)
    assert found, text[:500]
    return int(found.group(1).replace(",", ""))


def record_links(client, path: str) -> dict[str, str]:
    """The layout's 明细 links: ``<panel id>-records`` → href."""
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    out, todo = {}, [r.get_json()]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            props = node.get("props", {})
            slot = props.get("id")
            if isinstance(slot, dict) and slot.get("part") == "records" and props.get("href"):
                out[f"{slot['panel']}-records"] = props["href"]
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return out


def test_every_kpi_cards_link_opens_a_list_as_long_as_its_number(app, report_store):
    admin = client_as(app, report_store, "admin", name="records-admin")
    links = record_links(admin, f"/?as_of={DAY}")
    numbers = [p for p in catalogue.NUMBERS if p.on("overview")]
    values = kpis(report_store.engine, Filter.district(DAY)).now
    for p in numbers:
        assert total_of(layout_text(admin, links[f"{p.id}-records"])) == getattr(values, p.key), p.key
    assert any(key.startswith("sites-by-street") for key in links)  # charts have theirs too


def test_a_list_pages_sorts_and_searches_by_its_url(app, report_store):
    admin = client_as(app, report_store, "admin", name="records-admin")
    first = layout_text(admin, f"/records/members?as_of={DAY}")
    assert "党员 · 全区 · 截至 2020年7月1日" in first and "第 1–50 条" in first
    second = layout_text(admin, f"/records/members?as_of={DAY}&page=2&sort=name")
    assert "第 51–100 条" in second and "姓名 ▲" in second
    searched = layout_text(admin, f"/records/members?as_of={DAY}&q=%25")  # a % is a character, not a wildcard
    assert "没有符合条件的记录" in searched
    wrong = layout_text(admin, f"/records/members?as_of={DAY}&sort=secret_column")
    assert "不能按“secret_column”排序" in wrong and '"role": "alert"' in wrong
    unknown = layout_text(admin, "/records/passwords")
    assert "未知的记录类别" in unknown and "Traceback" not in unknown
    huge = layout_text(admin, f"/records/members?as_of={DAY}&page=99999999999")
    assert "页码须为正整数" in huge


def test_staff_see_their_own_streets_records_only(app, report_store):
    staff = client_as(app, report_store, "staff", (MINGSHUI,), name="records-staff")
    own = layout_text(staff, f"/records/members?as_of={DAY}")
    f = Filter.district(DAY)
    from dashboard.indicators import resolve_filter

    with report_store.engine.connect() as conn:
        f = resolve_filter(conn, streets=[MINGSHUI], as_of=DAY)
    assert total_of(own) == kpis(report_store.engine, f).now.party_members
    other = layout_text(staff, f"/records/members?as_of={DAY}&street={SHUANGSHAN}")
    assert "无权查看" in other and "第 1–" not in other
    r = staff.get(f"/data/records/members.xlsx?street={SHUANGSHAN}")
    assert r.status_code == 400 and "无权查看" in r.get_data(as_text=True)  # as for images and briefings


def test_the_download_is_the_whole_list_in_the_ledgers_columns(app, report_store):
    leader = client_as(app, report_store, "leader", name="records-leader")
    r = leader.get(f"/data/records/teams.xlsx?as_of={DAY}")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.data), read_only=True)
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    assert "队伍编码" in rows[0]
    assert len([row for row in rows[1:] if any(row)]) == kpis(report_store.engine, Filter.district(DAY)).now.volunteer_teams


def test_a_click_on_a_bar_points_the_link_at_that_bars_records(app):
    with acting_as(app):
        follow = overview_cb._drill_on_click("activities-by-month")
        state = {"query": f"?as_of={DAY}", "error": None}
        href, text = follow({"points": [{"customdata": ["2020-03", vocab.ACTIVITY_CATEGORIES[0]], "x": "2020-03", "y": 3}]}, state)
    assert href.startswith("/records/activities?") and "month=2020-03" in href
    assert f"category={vocab.ACTIVITY_CATEGORIES[0]}" in unquote(href) and "所点" in text


def test_attention_items_link_to_their_records_and_only_our_own_links_become_links(app, report_store):
    admin = client_as(app, report_store, "admin", name="records-admin")
    page = layout_text(admin, f"/?as_of={DAY}")
    found = re.findall(r'<a href=\\"(/records/[^\\"]*)\\">', page)
    assert found and all(h.startswith("/records/") for h in found)
    from dashboard.views import Cell, TableView
    from layouts.components import table_block

    block = table_block(TableView(("对象",), [(Cell("点我", href="javascript:alert(1)"),), (Cell("<b>x</b>"),)]))
    markup = json.dumps(block.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)
    assert "javascript:" not in markup.replace('\\"', '"').split("<table")[1].split("href")[0] or "<a" not in markup
    assert "&lt;b&gt;x&lt;/b&gt;" in markup and "<a " not in markup


def test_a_tampered_click_gives_no_link_to_another_streets_records(app):
    follow = overview_cb._drill_on_click("activities-by-month")
    point = {"points": [{"customdata": ["2020-03", vocab.ACTIVITY_CATEGORIES[0]]}]}
    with acting_as(app, "staff", (MINGSHUI,)):
        # the page's state names another street: no link at all, not one to its records
        assert follow(point, {"query": f"?street={SHUANGSHAN}&as_of={DAY}", "error": None}) == (no_update, no_update)
        own, _ = follow(point, {"query": f"?as_of={DAY}", "error": None})
        assert f"street={MINGSHUI}" in own  # staff who name no street get their own
        # a crafted point (wrong shapes, markup) falls back to the panel's whole list
        odd, text = follow({"points": [{"customdata": {"<b>": 1}}]}, {"query": f"?as_of={DAY}", "error": None})
        assert odd.startswith("/records/activities?") and "month=" not in odd and "<" not in odd


def test_ledger_text_on_a_records_page_stays_text(app, report_store):
    from sqlalchemy import update

    from dashboard.schema import VolunteerTeam

    with report_store.engine.begin() as conn:
        team = conn.execute(select(VolunteerTeam.id, VolunteerTeam.name).limit(1)).one()
        conn.execute(update(VolunteerTeam).where(VolunteerTeam.id == team.id)
                     .values(name='<img src=x onerror="alert(1)">队'))
    try:
        admin = client_as(app, report_store, "admin", name="records-admin")
        r = admin.get("/_dash-layout", headers={"Referer": f"http://localhost/records/teams?as_of={DAY}&q=img"})
        cells = []
        todo = [r.get_json()]
        while todo:
            node = todo.pop()
            if isinstance(node, dict):
                if node.get("type") == "Td":
                    cells.append(node["props"].get("children"))
                todo.extend(node.values())
            elif isinstance(node, list):
                todo.extend(node)
        # a plain string child: React puts it in as text, never as markup
        assert '<img src=x onerror="alert(1)">队' in cells
        assert "dangerously" not in r.get_data(as_text=True)
    finally:
        with report_store.engine.begin() as conn:
            conn.execute(update(VolunteerTeam).where(VolunteerTeam.id == team.id).values(name=team.name))


def test_a_signed_link_opens_its_own_list_without_names_and_nothing_else(app, report_store):
    from callbacks.context import EXTENSION
    from dashboard.access import links

    secret = app.server.extensions[EXTENSION].secret
    info, token = links.create(report_store, secret, "embed", "records/members",
                               f"?street={MINGSHUI}&as_of={DAY}", 30, created_by="test")
    assert info.path == "/records/members"
    viewer = app.server.test_client()
    assert viewer.get(f"{info.path}?link={token}").status_code == 302
    first = layout_text(viewer, info.path)
    f = None
    from dashboard.indicators import resolve_filter

    with report_store.engine.connect() as conn:
        f = resolve_filter(conn, streets=[MINGSHUI], as_of=DAY)
    assert total_of(first) == kpis(report_store.engine, f).now.party_members
    assert '"children": "姓名"' not in first and "按您的权限,人员姓名等个人信息不予显示" in first
    assert "党员 · 明水街道 · 截至 2020年7月1日" in first  # the link's street is said once
    assert "下载 Excel" not in first and "返回总览" not in first and "退出" not in first
    # the viewer pages; the link's filter and selectors stay whatever the URL says
    second = layout_text(viewer, f"{info.path}?page=2&street={SHUANGSHAN}&as_of=2026-01-01")
    assert "第 51–100 条" in second and total_of(second) == total_of(first)
    assert "无法访问" in layout_text(viewer, "/records/sites")
    assert viewer.get("/data/records/members.xlsx").status_code == 403
    r = viewer.get(info.path)  # the page itself may be framed by the embed origins, as /embed/ pages are
    assert "frame-ancestors" in r.headers["Content-Security-Policy"] and "X-Frame-Options" not in r.headers


def test_the_cli_makes_a_list_link_and_checks_its_selectors(report_store, capsys):
    from dashboard.cli import main

    settings = Settings(database_url=report_store.url)
    assert main(["link", "create", "--records", "sites", "--select", f"type={vocab.SHARED_ROOM}",
                 "--street", "明水街道"], settings=settings) == 0
    out = capsys.readouterr()
    assert "/records/sites?link=" in out.out and "type=" in out.err
    assert main(["link", "create", "--records", "sites", "--select", "password=1"], settings=settings) == 2
    assert "未知的参数" in capsys.readouterr().err
    assert main(["link", "create", "--panel", "map", "--select", "type=x"], settings=settings) == 2
    assert "--select 只用于 --records" in capsys.readouterr().err
