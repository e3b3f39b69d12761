"""The records behind every figure (dashboard.records): each list's count is the number shown."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, insert, select

from dashboard import records, vocab
from dashboard.catalogue import NUMBERS, PANELS
from dashboard.indicators import Filter, resolve_filter
from dashboard.indicators.kpi import KPI_KEYS, kpi_values
from dashboard.ledger.service import import_files
from dashboard.records import Drill, DrillError, count, drill_for, page
from dashboard.records import xlsx as records_xlsx
from dashboard.schema import Membership, Organisation, Participation, Person, Street
from dashboard.service import DataService
from dashboard.views import context, panel_view

REPORT_DAY = dt.date(2020, 7, 1)
MINGSHUI = "370114001000"


@pytest.fixture(scope="module")
def district():
    return Filter.district(REPORT_DAY)


def counted(store, drill: Drill, f: Filter) -> int:
    with store.engine.connect() as conn:
        return count(conn, drill, f)


# -- every panel: the drill's count is the number shown ---------------------------------------

def test_every_kpi_drill_counts_the_kpi(report_store, district):
    svc = DataService(report_store)
    k = svc.get("kpis", district)
    for key in KPI_KEYS:
        assert counted(report_store, records.kpi_drill(key), district) == getattr(k.now, key), key
    for panel in NUMBERS:
        assert counted(report_store, drill_for(panel.id), district) == getattr(k.now, panel.key), panel.id


def _figure(svc: DataService, panel_id: str, f: Filter) -> dict:
    version = svc.version().version
    return panel_view(PANELS[panel_id], svc, context(svc, f, version), version)


def _bar_points(fig: dict, value: str):
    """(point, shown number) for every bar: the clickData point plotly would send."""
    for n, trace in enumerate(fig["data"]):
        for i, shown in enumerate(trace[value]):
            yield {"curveNumber": n, "pointNumber": i, "x": trace["x"][i], "y": trace["y"][i],
                   "customdata": trace["customdata"][i]}, shown


@pytest.mark.parametrize("street", [None, MINGSHUI])
def test_every_bar_counts_what_it_shows(report_store, street):
    svc = DataService(report_store)
    with report_store.engine.connect() as conn:
        f = resolve_filter(conn, streets=[street] if street else [], as_of=REPORT_DAY)
    for panel_id, value in (("sites-by-street", "y"), ("activities-by-month", "y"), ("volunteers-by-team", "x"),
                            ("member-structure", "y"), ("three-meetings-status", "x")):
        fig = _figure(svc, panel_id, f)
        points = list(_bar_points(fig, value))
        assert points, panel_id
        for point, shown in points:
            assert counted(report_store, drill_for(panel_id, point), f) == shown, (panel_id, point)
        if panel_id != "volunteers-by-team":  # that chart shows the 15 largest teams only
            total = sum(shown for _, shown in points)
            if panel_id == "member-structure":
                total //= 3  # three charts of the same members
            assert counted(report_store, drill_for(panel_id), f) == total, panel_id


def test_every_map_street_and_site_counts_its_markers(report_store, district):
    svc = DataService(report_store)
    fig = _figure(svc, "map", district)
    site_points = [(t, i) for t in fig["data"][1:-1] for i in range(len(t["x"]))]
    per_street: dict[str, int] = {}
    for trace, i in site_points:
        point = {"customdata": trace["customdata"][i]}
        per_street[point["customdata"][0]] = per_street.get(point["customdata"][0], 0) + 1
        if i < 3:  # a few of each type: one site each
            assert counted(report_store, drill_for("map", point), district) == 1
    streets = fig["data"][-1]
    for data in streets["customdata"]:
        assert counted(report_store, drill_for("map", {"customdata": data}), district) == per_street.get(data[0], 0)
    assert counted(report_store, drill_for("map"), district) == len(site_points)


def test_every_four_in_one_cell_lists_what_covers_it(report_store, district):
    svc = DataService(report_store)
    heat = _figure(svc, "four-in-one", district)["data"][0]
    grey = 0
    for i, street in enumerate(heat["y"]):
        for j, area in enumerate(heat["x"]):
            n = counted(report_store, drill_for("four-in-one", {"x": area, "y": street, "z": heat["z"][i][j]}), district)
            assert (n > 0) == bool(heat["z"][i][j]), (street, area)
            grey += not heat["z"][i][j]
    assert grey  # the demo keeps some cells grey: the empty list is tested too


def test_every_three_meetings_row_and_cell_counts_the_meetings_held(report_store, district):
    svc = DataService(report_store)
    rows = svc.get("three_meetings", district)
    assert len(rows) == counted(report_store, drill_for("three-meetings"), district)
    for r in rows:
        assert counted(report_store, drill_for("three-meetings", {"org": r.org_id}), district) == sum(r.held.values())
        for kind in vocab.THREE_MEETINGS_ONE_LECTURE:
            point = {"org": r.org_id, "category": kind}
            assert counted(report_store, drill_for("three-meetings", point), district) == r.held[kind]


def test_latest_activity_rows_list_their_sign_ins(report_store, district):
    svc = DataService(report_store)
    rows = svc.get("latest_activities", district)
    assert rows and all(r.id for r in rows)
    signed = 0
    for r in rows:
        n = counted(report_store, drill_for("latest-activities", {"activity": r.id}), district)
        # 参与人数 is the ledger's headcount (活动.参与人数), not a count of records: the row's list
        # is its sign-in book (签到簿), which may name fewer people, or none before books were kept
        with report_store.engine.connect() as conn:
            books = conn.execute(select(func.count()).where(Participation.activity_id == r.id)).scalar_one()
        assert n == books <= r.participants
        signed += n > 0
    assert signed


# -- property: random filters and days --------------------------------------------------------

def test_each_kpi_drill_counts_the_kpi_on_random_filters(report_store):
    rng = random.Random(14)
    with report_store.engine.connect() as conn:
        codes = [c for (c,) in conn.execute(select(Street.code))]
        orgs = [i for (i,) in conn.execute(select(Organisation.id))]
        for case in range(30):
            as_of = REPORT_DAY - dt.timedelta(days=rng.randrange(0, 6 * 365))
            period = rng.choice(("12m", "year", "custom"))
            start = end = None
            if period == "custom":
                start = as_of - dt.timedelta(days=rng.randrange(0, 800))
                end = start + dt.timedelta(days=rng.randrange(0, 400))
            streets = rng.sample(codes, rng.randrange(0, 4)) if rng.random() < 0.7 else []
            branch = rng.choice(orgs) if not streets and rng.random() < 0.5 else None
            f = resolve_filter(conn, streets=streets, branch=branch, as_of=as_of, start=start, end=end, period=period)
            values = kpi_values(conn, f)
            for key in KPI_KEYS:
                assert count(conn, records.kpi_drill(key), f) == getattr(values, key), (case, key, f)


# -- drills to and from the query string -------------------------------------------------------

def test_drills_round_trip_through_the_query_string():
    drills = [records.kpi_drill(k) for k in KPI_KEYS]
    drills += [drill_for("sites-by-street", {"customdata": [MINGSHUI, vocab.THEATRE]}),
               drill_for("activities-by-month", {"customdata": ["2020-06", vocab.PRACTICE]}),
               drill_for("three-meetings", {"org": 7, "category": vocab.PARTY_LECTURE}),
               drill_for("member-structure", {"customdata": "65–74岁"}),
               drill_for("volunteers-by-team", {"customdata": "&lt;b&gt;队"})]
    for d in drills:
        assert Drill.from_query(d.to_query()) == d
    assert drills[-1].team_name == "<b>队"
    # parse_qs gives lists; the page filter's own keys are the filter's
    assert Drill.from_query({"kind": ["sites"], "type": [vocab.THEATRE], "as_of": ["2020-07-01"],
                             "street": [MINGSHUI, "370114002000"]}) == Drill("sites", type=vocab.THEATRE)


@pytest.mark.parametrize("query, words", [
    ({"kind": "people"}, "未知的记录类别"),
    ({}, "缺少参数 kind"),
    ({"kind": "sites", "colour": "red"}, "未知的参数"),
    ({"kind": "sites", "category": vocab.PRACTICE}, "不能按 category 筛选"),
    ({"kind": "sites", "type": "电影院"}, "未知的站点类型"),
    ({"kind": "sites", "co_built": "yes"}, "只能为 1"),
    ({"kind": "activities", "month": "2020-13"}, "YYYY-MM"),
    ({"kind": "activities", "org": "-3"}, "正整数"),
    ({"kind": "activities", "org": "12345678901"}, "正整数"),
    ({"kind": "branches", "status": "purple"}, "状态"),
    ({"kind": "members", "bucket": "90后"}, "党员结构分组"),
    ({"kind": "problems", "open": "1", "solved": "1"}, "不能同时"),
    ({"kind": "activities", "month": ["2020-01", "2020-02"]}, "只能给出一次"),
])
def test_bad_drills_are_chinese_errors(query, words):
    with pytest.raises(DrillError, match=words):
        Drill.from_query(query)


def test_unknown_panels_points_and_streets_are_chinese_errors(report_store, district):
    with pytest.raises(DrillError, match="没有“nope”这个指标"):
        drill_for("kpi-nope")
    with pytest.raises(DrillError, match="没有可列出的记录"):
        drill_for("honours")
    with pytest.raises(DrillError, match="无法识别"):
        drill_for("sites-by-street", {"x": 1})
    with report_store.engine.connect() as conn:
        with pytest.raises(DrillError, match="未知的街道"):
            count(conn, Drill("sites", street="火星街道"), district)
        with pytest.raises(DrillError, match="没有编号为 999999 的站点"):
            page(conn, Drill("activities", site=999999), district)


def test_every_catalogued_panel_has_a_drill():
    from dashboard.records.panels import ELSEWHERE, UNLISTED

    for panel_id in PANELS:
        if panel_id in ELSEWHERE:  # 需关注: each item links to its own records
            continue
        if panel_id in UNLISTED:  # 四就近: a distance over every home, not a scope in SQL
            with pytest.raises(DrillError, match="没有可列出的记录"):
                drill_for(panel_id)
            continue
        assert isinstance(drill_for(panel_id), Drill), panel_id


# -- paging, sorting, searching ----------------------------------------------------------------

def test_pages_are_sorted_bounded_and_clamped(report_store, district):
    with report_store.engine.connect() as conn:
        d = Drill("members")
        total = count(conn, d, district)
        first = page(conn, d, district, size=20)
        assert first.total == total and len(first.rows) == 20 and first.page == 1
        codes = [r[0] for r in first.rows]
        assert codes == sorted(codes)
        last = page(conn, d, district, page=10**6, size=20)
        assert last.page == first.pages and len(last.rows) == total - 20 * (first.pages - 1)
        assert page(conn, d, district, page=-5, size=20).rows == first.rows
        by_year = page(conn, d, district, sort="birth_year", descending=True, size=200)
        years = [r[3] for r in by_year.rows]
        assert years == sorted(years, reverse=True) and len(years) == 200
        for bad in (0, 201):
            with pytest.raises(DrillError, match="每页条数"):
                page(conn, d, district, size=bad)
        with pytest.raises(DrillError, match="不能按“age”排序"):
            page(conn, d, district, sort="age")
        with pytest.raises(DrillError, match="不能超过 40 个字符"):
            page(conn, d, district, search="某" * 41)
        assert first.caption == "党员 · 全区 · 截至 2020年7月1日"
        acts = page(conn, Drill("activities", month="2020-06", category=vocab.PRACTICE), district)
        assert acts.caption == "活动 · 全区 · 类别:新时代文明实践 · 2020年6月 · 2019年7月2日至2020年7月1日"
        dates = [r[1] for r in acts.rows]
        assert dates == sorted(dates, reverse=True)  # newest first by default


def test_search_is_a_case_free_substring_of_name_or_code_with_wildcards_taken_literally(store):
    with store.engine.begin() as c:
        c.execute(insert(Street).values(code=MINGSHUI, name="明水街道", kind="街道", lon=117.54, lat=36.72))
        c.execute(insert(Organisation).values(id=1, code="O1", name="支部", kind=vocab.ESTABLISHED, level="党支部",
                                              street_code=MINGSHUI, founded_on=dt.date(2015, 1, 1)))
        names = {1: "百分之%百", 2: "下_划线", 3: "下a划线", 4: "张某甲", 5: "反斜\\杠"}
        for pid, name in names.items():
            c.execute(insert(Person).values(id=pid, code=f"Ry{pid:03d}", name=name, gender="男", birth_year=1950,
                                            cadre_type="退休"))
            c.execute(insert(Membership).values(person_id=pid, org_id=1, joined_on=dt.date(2016, 1, 1)))
    f = Filter.district(REPORT_DAY)
    with store.engine.connect() as conn:
        def found(text):
            return sorted(r[1] for r in page(conn, Drill("members"), f, search=text).rows)
        assert found("%") == ["百分之%百"]
        assert found("_") == ["下_划线"]
        assert found("\\") == ["反斜\\杠"]
        assert found("下") == ["下_划线", "下a划线"]
        assert found("rY00") == sorted(names.values())  # codes, any case
        assert found("  ") == sorted(names.values())
        assert page(conn, Drill("members"), f, search="无此人").total == 0


def test_personal_columns_are_flagged_and_dropped(report_store, district):
    with report_store.engine.connect() as conn:
        members = page(conn, Drill("members"), district, size=5)
        assert {c.label for c in members.columns if c.personal} == {"人员编码", "姓名"}
        plain = members.without_personal()
        assert [c.label for c in plain.columns] == ["性别", "出生年份", "干部类别", "居住街道/镇"]
        assert all(len(r) == 4 for r in plain.rows) and plain.total == members.total
        sites = page(conn, Drill("sites"), district, size=5)
        assert [c.label for c in sites.columns if c.personal] == ["联络指导员"]
        assert [c.label for c in page(conn, Drill("interviewees"), district).columns if c.personal] == ["受访人"]
        assert page(conn, Drill("members"), district, personal=False).columns == plain.columns
        with pytest.raises(DrillError, match="无权按“姓名”排序"):
            page(conn, Drill("members"), district, sort="name", personal=False)
        with pytest.raises(DrillError, match="无权按姓名搜索"):
            page(conn, Drill("interviewees"), district, search="张", personal=False)
    # nothing but what names or tells about one person is personal (a name, a code, a cadre's
    # care columns), and every such column is
    for kind in records.KINDS:
        for c in records.listing.KINDS[kind].columns:
            assert c.personal == (c.label in {"人员编码", "姓名", "联络指导员", "受访人", "健康状况", "独居",
                                              "联系电话"}), (kind, c)


# -- the workbook: the ledger's format, a no-op when imported again -----------------------------

@pytest.mark.parametrize("drill", [
    Drill("branches"), Drill("members", bucket="女"), Drill("volunteers"), Drill("teams"),
    Drill("sites", co_built=True), Drill("activities", month="2020-06"), Drill("participants", month="2020-06"),
    Drill("coverage", area="文体活动"), Drill("cadres", contact="no", days=90),
], ids=lambda d: d.kind)
def test_a_downloaded_list_imports_again_as_a_no_op(report_store, drill):
    with report_store.engine.connect() as conn:
        f = resolve_filter(conn, streets=[MINGSHUI], as_of=REPORT_DAY)
        data = records.workbook(conn, drill, f)
        n = count(conn, drill, f)
    preview = import_files(report_store, [("records.xlsx", data)], dry_run=True)
    assert preview.ok, [str(p) for p in preview.problems]
    assert preview.changes == 0 and n > 0
    assert sum(c.unchanged for c in preview.sheets.values()) == n
    assert all(c.new == c.changed == c.closed == 0 for c in preview.sheets.values())


def test_report_lists_download_as_their_own_columns_and_big_lists_are_refused(report_store, district, monkeypatch):
    import io

    import openpyxl

    with report_store.engine.connect() as conn:
        book = openpyxl.load_workbook(io.BytesIO(records.workbook(conn, Drill("problems", solved=True), district)))
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == ["编号", "检视活动", "问题描述", "发现日期", "整改日期"]
        assert sheet.max_row - 1 == count(conn, Drill("problems", solved=True), district) == 33
        monkeypatch.setattr(records_xlsx, "MAX_ROWS", 10)
        with pytest.raises(DrillError, match="超过下载上限 10 条"):
            records.workbook(conn, Drill("members"), district)


# -- edges the demo cannot show ----------------------------------------------------------------

def test_dissolved_branches_and_memberships_ending_on_the_day_are_not_listed(store):
    day = dt.date(2024, 6, 30)
    with store.engine.begin() as c:
        c.execute(insert(Street).values(code=MINGSHUI, name="明水街道", kind="街道", lon=117.54, lat=36.72))
        for oid, dissolved in ((1, None), (2, day)):
            c.execute(insert(Organisation).values(id=oid, code=f"O{oid}", name=f"支部{oid}", kind=vocab.ESTABLISHED,
                                                  level="党支部", street_code=MINGSHUI, founded_on=dt.date(2015, 1, 1),
                                                  dissolved_on=dissolved))
        for pid in range(1, 6):
            c.execute(insert(Person).values(id=pid, code=f"P{pid}", name=f"测试某{pid}", gender="女",
                                            birth_year=1950, cadre_type="退休"))
        for pid, oid, joined, left in ((1, 1, dt.date(2016, 1, 1), None), (2, 1, dt.date(2016, 1, 1), day),
                                       (3, 1, day, None), (4, 2, dt.date(2016, 1, 1), None),
                                       (5, 1, day + dt.timedelta(days=1), None), (1, 2, dt.date(2016, 1, 1), None)):
            c.execute(insert(Membership).values(person_id=pid, org_id=oid, joined_on=joined, left_on=left))
    f = Filter.district(day)
    with store.engine.connect() as conn:
        values = kpi_values(conn, f)
        members = page(conn, Drill("members"), f)
        assert [r[0] for r in members.rows] == ["P1", "P3"] and members.total == values.party_members == 2
        branches = page(conn, Drill("branches"), f)
        assert [r[0] for r in branches.rows] == ["O1"] and branches.total == values.active_branches
        assert count(conn, Drill("branches", status="red"), f) == 1  # no meetings held: 未达标
        before = Filter.district(day - dt.timedelta(days=1))
        assert count(conn, Drill("members"), before) == kpi_values(conn, before).party_members == 3
