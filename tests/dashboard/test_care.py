"""关心照顾 (docs/indicators.md, "关心照顾 · Care"): who counts as a cadre, the contact share and its
90-day edge, 需关注's 重点关爱对象, birthdays at month edges and 寿辰, the age structure of all cadres,
and the records behind each figure — on a small hand-built store (SQLite and PostgreSQL).

The store, on D = 2024-06-30 (a contact 90 days before D is on 2024-04-01):

| person | home | links on D | care | contacts |
|---|---|---|---|---|
| 甲 P1 | 明水 | 明水支部 | 失能半失能, born 1944-06-30 (80 on D: a 寿辰) | 2024-04-01 (exactly 90 days) |
| 乙 P2 | 明水 | 明水支部 | born 1934-06-01 (90: a 寿辰, and a 重点关爱对象) | 2024-03-31 (91 days) |
| 丙 P3 | 明水 | 明水支部 | 离休, born 1924-07-01 (100 in July) | never |
| 丁 P4 | 明水 | left 2024-05-01 (died) | born 1944-06-10 | 2023-05-01, the ledger's first |
| 戊 P5 | 双山 | a 明水 team only (not a party member) | born 1950-05-31 | 2024-06-29 |
| 己 P6 | none | 双山支部 | born 1960-06-15 | none |
| 庚 P7 | 明水 | none (not retired yet) | born 1966 | none |
| 辛 P8 | 明水 | 明水支部 since 2024-06-01 | 失能半失能, no 出生日期 | never (a cadre for 29 days) |
"""
from __future__ import annotations

import json

import pytest

from dashboard import care_views, records
from dashboard.attention import Thresholds, attention, attention_view, summary_lines
from dashboard.indicators import care, resolve_filter
from dashboard.indicators.breakdowns import streets
from dashboard.schema import Contact, Membership, Organisation, Person, VolunteerMembership, VolunteerTeam
from dashboard.views import ViewContext
from tests.building import MINGSHUI, SHUANGSHAN, day, put, two_streets

D = "2024-06-30"
NAMES = ("测试甲", "测试乙", "测试丙", "测试丁", "测试戊", "测试己", "测试庚", "测试辛")


def person(pid: int, born: int, home: str | None = MINGSHUI, birth_date: str | None = None, **extra) -> dict:
    return {"id": pid, "code": f"P{pid}", "name": NAMES[pid - 1], "gender": "女" if pid % 2 else "男",
            "birth_year": born, "cadre_type": "退休", "street_code": home,
            "birth_date": day(birth_date) if birth_date else None, **extra}


@pytest.fixture
def cared(store):
    with store.engine.begin() as c:
        two_streets(c)
        put(c, Organisation, [
            {"id": 1, "code": "O1", "name": "明水支部", "kind": "建制型", "level": "党支部", "street_code": MINGSHUI,
             "founded_on": day("2015-01-01")},
            {"id": 2, "code": "O2", "name": "双山支部", "kind": "建制型", "level": "党支部", "street_code": SHUANGSHAN,
             "founded_on": day("2015-01-01")},
        ])
        put(c, VolunteerTeam, [{"id": 1, "code": "T1", "name": "明水志愿队", "street_code": MINGSHUI,
                                "founded_on": day("2016-01-01")}])
        put(c, Person, [
            person(1, 1944, birth_date="1944-06-30", health="失能半失能"),
            person(2, 1934, birth_date="1934-06-01"),
            person(3, 1924, birth_date="1924-07-01", cadre_type="离休"),
            person(4, 1944, birth_date="1944-06-10"),
            person(5, 1950, SHUANGSHAN, birth_date="1950-05-31"),
            person(6, 1960, None, birth_date="1960-06-15"),
            person(7, 1966),
            person(8, 1959, health="失能半失能"),
        ])
        put(c, Membership, [
            {"person_id": 1, "org_id": 1, "joined_on": day("2015-02-01")},
            {"person_id": 2, "org_id": 1, "joined_on": day("2015-02-01")},
            {"person_id": 3, "org_id": 1, "joined_on": day("2015-02-01")},
            {"person_id": 4, "org_id": 1, "joined_on": day("2015-02-01"), "left_on": day("2024-05-01")},
            {"person_id": 6, "org_id": 2, "joined_on": day("2016-03-01")},
            {"person_id": 8, "org_id": 1, "joined_on": day("2024-06-01")},
        ])
        put(c, VolunteerMembership, [{"person_id": 5, "team_id": 1, "joined_on": day("2020-01-01")}])
        put(c, Contact, [
            {"person_id": 1, "date": day("2024-04-01"), "kind": "走访"},
            {"person_id": 2, "date": day("2024-03-31"), "kind": "电话"},
            {"person_id": 4, "date": day("2023-05-01"), "kind": "慰问"},
            {"person_id": 5, "date": day("2024-06-29"), "kind": "电话"},
        ])
    return store


def filt(store, as_of: str = D, **kw):
    with store.engine.connect() as c:
        return resolve_filter(c, as_of=day(as_of), **kw)


def ids(store, f) -> set[int]:
    with store.engine.connect() as c:
        return set(c.execute(care.cadre_ids(f)).scalars())


def test_who_counts_as_a_cadre_on_a_day(cared):
    # members and team members in force; not the one whose membership ended (died), nor one with no link
    assert ids(cared, filt(cared)) == {1, 2, 3, 5, 6, 8}
    assert ids(cared, filt(cared, "2024-04-30")) == {1, 2, 3, 4, 5, 6}      # 丁 still, 辛 not yet
    assert ids(cared, filt(cared, streets=[SHUANGSHAN])) == {5, 6}          # 戊 by home, 己 by branch
    assert ids(cared, filt(cared, streets=[MINGSHUI])) == {1, 2, 3, 8}      # 戊's team is in 明水: home wins
    assert ids(cared, filt(cared, branch="O1")) == {1, 2, 3, 8}


def test_a_contact_exactly_90_days_ago_counts_and_one_91_days_ago_does_not(cared):
    with cared.engine.connect() as c:
        share = care.contact_share(c, filt(cared), 90)
        shorter = care.contact_share(c, filt(cared), 89)
    assert (share.total.cadres, share.total.contacted) == (6, 2)          # 甲 (90 days) and 戊 (yesterday)
    assert shorter.total.contacted == 1                                   # 甲 is 90 days out of an 89-day window
    by_street = {r.name: (r.cadres, r.contacted) for r in share.by_street}
    assert by_street == {"明水街道": (4, 1), "双山街道": (2, 1)}
    by_branch = {r.name: (r.cadres, r.contacted) for r in share.by_branch}
    assert by_branch == {"明水支部": (4, 1), "双山支部": (1, 0)}
    # a year before: 丁 was alive and contacted on 2023-05-01; 辛 was not a cadre yet
    assert (share.total.cadres_year_ago, share.total.contacted_year_ago) == (6, 1)
    assert round(share.total.share, 4) == round(2 / 6, 4)


def test_the_list_behind_the_share_is_as_long_as_who_was_not_contacted(cared):
    f = filt(cared)
    with cared.engine.connect() as c:
        share = care.contact_share(c, f, 90)
        missed = records.count(c, records.Drill("cadres", contact="no", days=90), f)
        reached = records.count(c, records.Drill("cadres", contact="yes", days=90), f)
        street = records.count(c, records.Drill("cadres", street="双山街道", contact="no", days=90), f)
        branch = records.count(c, records.Drill("cadres", org=2, contact="no", days=90), f)
    assert missed == share.total.cadres - share.total.contacted == 4
    assert reached == 2 and street == 1 and branch == 1


def test_the_list_of_cadres_starts_with_the_longest_without_a_contact(cared):
    # whom to call next: never contacted first (丙 3, 己 6, 辛 8, by id), then 乙's contact of
    # 2024-03-31, then 甲's of 2024-04-01, 戊's yesterday last; the same on both databases
    with cared.engine.connect() as c:
        listed = records.page(c, records.Drill("cadres"), filt(cared))
        back = records.page(c, records.Drill("cadres"), filt(cared), sort="last_contact", descending=True)
    codes = [r[0] for r in listed.rows]
    assert codes == ["P3", "P6", "P8", "P2", "P1", "P5"]
    assert [r[0] for r in back.rows][:3] == ["P5", "P1", "P2"]  # going down, the blanks go last


def test_focus_cadres_not_contacted_for_longer_are_listed_longest_first(cared):
    t = Thresholds(contact_days=90)
    with cared.engine.connect() as c:
        a = attention(c, filt(cared), t)
        overdue = records.count(c, records.Drill("cadres", contact="overdue", days=90), filt(cared))
    items = a.of_kind("contact_overdue")
    # 甲 (失能半失能) at exactly 90 days is not listed; 辛 (失能半失能) became a cadre 29 days ago
    assert [i.subject_id for i in items] == [3, 2]
    never, late = items
    assert never.since == day("2023-05-01") and never.days == 426 and never.detail["last_contact"] is None
    assert "自走访慰问记录开始(2023年5月1日)以来无联系记录" in never.why
    assert late.days == 91 and "已91天未联系" in late.why
    assert overdue == len(items) == a.counts_by_kind["contact_overdue"]
    assert all(name not in i.why for i in items for name in NAMES)


def test_a_store_without_any_contact_lists_no_one_as_overdue(cared):
    with cared.engine.begin() as c:
        c.execute(Contact.__table__.delete())
    with cared.engine.connect() as c:
        assert attention(c, filt(cared), Thresholds()).counts_by_kind["contact_overdue"] == 0


def view_text(view) -> str:
    return json.dumps([[(c.text, c.title) for c in row] for row in view.rows] + [view.note], ensure_ascii=False)


def test_names_reach_only_a_surface_that_may_show_them(cared):
    f = filt(cared)
    with cared.engine.connect() as c:
        a = attention(c, f, Thresholds())
        born = care.birthdays(c, f)
        names = streets(c)
    hidden, shown = ViewContext(f, names), ViewContext(f, names, names=True)
    for build, data in ((attention_view, a), (care_views.birthdays, born)):
        assert not any(name in view_text(build(data, hidden)) for name in NAMES)
        assert any(name in view_text(build(data, shown)) for name in NAMES)
    assert not any(name in line for line in summary_lines(a) for name in NAMES)  # the briefing never names


def test_birthdays_of_the_month_with_the_round_ones(cared):
    with cared.engine.connect() as c:
        june = care.birthdays(c, filt(cared))
        july = care.birthdays(c, filt(cared, "2024-07-01"))
        round_july = records.count(c, records.Drill("cadres", birthday="round"), filt(cared, "2024-07-01"))
        all_june = records.count(c, records.Drill("cadres", birthday="month"), filt(cared))
    # 戊 (31 May) and 丙 (1 July) fall outside June; 丁 died; 辛 has no 出生日期
    assert [(r.person_id, r.age, r.round) for r in june.rows] == [(2, 90, True), (6, 64, False), (1, 80, True)]
    assert june.undated == 1 and all_june == 3
    assert [(r.person_id, r.age, r.round) for r in july.rows] == [(3, 100, True)]
    assert round_july == 1
    view = care_views.birthdays(june, ViewContext(filt(cared), [], names=True))
    assert [row[0].text for row in view.rows] == ["测试乙", "测试甲", "测试己"]  # 寿辰 first
    assert "其中寿辰(80、90、100岁)2 人" in view.note and "1 人未填写出生日期" in view.note


def test_the_age_structure_counts_every_cadre_not_only_members(cared):
    with cared.engine.connect() as c:
        s = care.cadre_structure(c, filt(cared))
        bucket = records.count(c, records.Drill("cadres", bucket="≥85岁"), filt(cared))
    assert s.by_cadre_type == {"离休": 1, "退休": 5}
    assert s.by_age_band == {"≤64岁": 1, "65–74岁": 2, "75–84岁": 1, "≥85岁": 2}   # 64 and 65 either side
    assert s.by_gender == {"男": 3, "女": 3}
    assert bucket == s.by_age_band["≥85岁"]


def test_personal_columns_of_a_cadre_stay_with_roles_allowed_names(cared):
    with cared.engine.connect() as c:
        full = records.page(c, records.Drill("cadres", person=1), filt(cared))
        plain = records.page(c, records.Drill("cadres", person=1), filt(cared), personal=False)
    assert dict(zip((col.label for col in full.columns), full.rows[0]))["健康状况"] == "失能半失能"
    labels = [col.label for col in plain.columns]
    assert labels == ["性别", "出生年份", "干部类别", "居住街道/镇", "最近联系日期"]
    assert "测试甲" not in json.dumps(plain.rows, default=str, ensure_ascii=False)
    assert "人员编号1" in plain.caption and "测试甲" not in plain.caption


def test_a_click_on_a_streets_bar_lists_its_cadres_not_contacted(cared):
    f = filt(cared)
    with cared.engine.connect() as c:
        share = care.contact_share(c, f, 90)
        fig = care_views.contact_share(share, ViewContext(f, streets(c)))
        now = next(t for t in fig["data"] if t["name"] == "截至日")
        counted = {}
        for label, (code,) in zip(now["y"], now["customdata"]):
            try:
                drill = records.drill_for("contact-share", {"customdata": [code]})
            except records.DrillError:  # the 全区 bar names no street: the panel's whole list
                drill = records.drill_for("contact-share")
            counted[label] = records.count(c, drill, f)
    assert counted == {"明水街道": 3, "双山街道": 1, "全区": 4}
    assert now["text"] == ["50%", "25%", "33%"]
