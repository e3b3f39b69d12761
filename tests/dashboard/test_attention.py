"""需关注 (docs/indicators.md, "需关注 · Attention"): each rule pinned on a small hand-built store."""
from __future__ import annotations

import json

import pytest

from dashboard import vocab
from dashboard.attention import KINDS, Thresholds, attention, attention_view, summary_lines
from dashboard.attention.meetings import lag
from dashboard.indicators import Filter, resolve_filter
from dashboard.indicators.breakdowns import streets
from dashboard.schema import Activity, Organisation, Participation, Person, Problem, Site
from dashboard.settings import Settings
from dashboard.views import ViewContext
from tests.building import MINGSHUI, SHUANGSHAN, day, put, two_streets

T = Thresholds(meeting_grace_days=10, site_idle_days=90, ledger_stale_days=60, problem_open_days=90)




def site(sid: int, name: str, opened: str, liaison: str | None = "联络某甲", co_built: bool = True,
         kind: str = vocab.SHARED_ROOM) -> dict:
    return {"id": sid, "code": f"S{sid}", "name": name, "type": kind, "street_code": MINGSHUI, "lon": 117.54,
            "lat": 36.72, "co_built": co_built, "liaison": liaison, "opened_on": day(opened)}


@pytest.fixture
def small(store):
    """明水: a branch that met in March 2024 (every kind), one founded 2024-05-05, one dissolved
    2024-05-01; four sites; 双山: nothing at all. Problems found in early 2024."""
    with store.engine.begin() as c:
        two_streets(c)
        put(c, Organisation, [
            {"id": 1, "code": "O1", "name": "明水支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": MINGSHUI, "founded_on": day("2015-01-01")},
            {"id": 2, "code": "O2", "name": "新支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": MINGSHUI, "founded_on": day("2024-05-05")},
            {"id": 3, "code": "O3", "name": "撤销支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": MINGSHUI, "founded_on": day("2015-01-01"), "dissolved_on": day("2024-05-01")},
        ])
        put(c, Person, [{"id": 1, "code": "P1", "name": "测试某甲", "gender": "男", "birth_year": 1950,
                         "cadre_type": "退休", "street_code": MINGSHUI}])
        put(c, Site, [
            site(1, "新活动室", "2024-05-04"),                       # opened a week before 2024-05-11
            site(2, "无签到活动室", "2020-01-01", liaison=None),     # activities without sign-ins, no liaison
            site(3, "冷清剧场", "2020-01-01", kind=vocab.THEATRE),   # last activity 2024-01-01
            site(4, "基地", "2020-01-01", liaison=None, co_built=False, kind=vocab.EDUCATION_BASE),  # not co-built
        ])
        meetings = [{"id": i + 1, "code": f"M{i}", "date": day("2024-03-15"), "category": category, "name": category,
                     "org_id": 1, "street_code": MINGSHUI} for i, category in enumerate(vocab.MEETING_CADENCE)]
        put(c, Activity, meetings + [
            {"id": 10, "code": "A10", "date": day("2023-06-01"), "category": vocab.COMMITTEE_MEETING, "name": "旧",
             "org_id": 3, "street_code": MINGSHUI},
            {"id": 11, "code": "A11", "date": day("2024-04-01"), "category": vocab.CULTURE, "name": "演出",
             "site_id": 2, "street_code": MINGSHUI},
            {"id": 12, "code": "A12", "date": day("2024-01-01"), "category": vocab.CULTURE, "name": "演出",
             "site_id": 3, "street_code": MINGSHUI},
        ])
        put(c, Participation, [{"activity_id": 12, "person_id": 1}])
        put(c, Problem, [
            {"id": 1, "campaign": "组织生活会", "description": "问题一", "found_on": day("2024-02-10")},
            {"id": 2, "campaign": "组织生活会", "description": "问题二", "found_on": day("2024-02-11")},
            {"id": 3, "campaign": "主题教育", "description": "问题三", "found_on": day("2024-01-01"),
             "solved_on": day("2024-01-21")},
            {"id": 4, "campaign": "主题教育", "description": "问题四", "found_on": day("2024-01-01"),
             "solved_on": day("2024-03-01")},
            {"id": 5, "campaign": "主题教育", "description": "问题五", "found_on": day("2024-01-01"),
             "solved_on": day("2024-02-10")},
            {"id": 6, "campaign": "主题教育", "description": "问题六", "found_on": day("2024-04-01"),
             "solved_on": day("2024-06-01")},
        ])
    return store


def run(store, as_of: str, t: Thresholds = T, **kw):
    with store.engine.connect() as c:
        f = resolve_filter(c, as_of=day(as_of), **kw)
        return attention(c, f, t)


def of(a, kind: str) -> dict:
    return {(i.subject_id, i.detail.get("category")): i for i in a.items if i.kind == kind}


# -- rule 1: 三会一课 and 主题党日 ---------------------------------------------------------------

def test_on_the_due_day_nothing_is_late_the_day_after_it_is(small):
    # April's monthly meetings are due 2024-04-30 + 10 days of grace = 2024-05-10
    assert of(run(small, "2024-05-10"), "meetings") == {}
    late = of(run(small, "2024-05-11"), "meetings")
    assert set(late) == {(1, vocab.COMMITTEE_MEETING), (1, vocab.GROUP_MEETING), (1, vocab.THEME_DAY)}
    item = late[(1, vocab.THEME_DAY)]
    assert (item.since, item.days) == (day("2024-05-10"), 1)
    assert item.detail["last_held"] == day("2024-03-15")
    assert item.detail["next_due"] == day("2024-06-10")
    assert item.detail["missed"] == 1
    assert item.link == {"kind": "activities", "org": 1, "category": vocab.THEME_DAY}
    assert "主题党日已连续1个月未召开" in item.why and "已逾期1天" in item.why


def test_periods_missed_in_a_row_and_quarterly_kinds(small):
    late = of(run(small, "2024-07-11"), "meetings")
    monthly = late[(1, vocab.COMMITTEE_MEETING)]
    assert (monthly.detail["missed"], monthly.days, monthly.detail["next_due"]) == (3, 62, day("2024-08-10"))
    quarterly = late[(1, vocab.GENERAL_MEETING)]
    assert (quarterly.detail["missed"], quarterly.days, quarterly.since) == (1, 1, day("2024-07-10"))


def test_a_new_branch_is_not_yet_due_and_a_dissolved_one_never_listed(small):
    a = run(small, "2024-06-10")
    assert {sid for sid, _ in of(a, "meetings")} == {1}
    # founded 2024-05-05, it owes May (its last day falls in the branch's life), due 2024-06-10
    later = of(run(small, "2024-06-11"), "meetings")
    assert later[(2, vocab.COMMITTEE_MEETING)].detail["last_held"] is None
    assert "成立以来未召开过" in later[(2, vocab.COMMITTEE_MEETING)].why
    assert not any(sid == 3 for sid, _ in later)


def test_grace_is_a_setting():
    t = Thresholds.from_settings(Settings.from_env({"DASHBOARD_ATTENTION_MEETING_GRACE_DAYS": "0"}))
    assert t.meeting_grace_days == 0 and t.site_idle_days == Thresholds().site_idle_days
    strict = lag(day("2015-01-01"), day("2024-03-15"), day("2024-05-01"), 1, 0)
    assert (strict.since, len(strict.missed)) == (day("2024-04-30"), 1)


# -- rule 2: 四位一体 ---------------------------------------------------------------------------

def test_streets_missing_an_area(small):
    gaps = {i.subject_name: i for i in run(small, "2024-05-11").items if i.kind == "four_in_one"}
    # 明水 has 党的建设 (its meetings, its shared rooms) and 文体活动 (the theatre): not listed for them
    assert "明水街道·党的建设" not in gaps and "明水街道·文体活动" not in gaps
    assert {"明水街道·老年教育", "双山街道·党的建设", "双山街道·志愿服务"} <= set(gaps)
    never = gaps["双山街道·党的建设"]
    assert never.since is None and never.days is None and "从未" in never.why
    assert never.link == {"kind": "activities", "street": SHUANGSHAN, "area": "党的建设"}


# -- rule 3: sites ------------------------------------------------------------------------------

def test_sites_idle_without_liaison_without_sign_ins(small):
    a = run(small, "2024-05-11")
    kinds = {(i.kind, i.subject_id) for i in a.items if i.kind.startswith("site_")}
    # the site opened a week ago is not idle; the base is not co-built
    assert kinds == {("site_idle", 3), ("site_no_liaison", 2), ("site_no_signin", 2)}
    idle = next(i for i in a.items if i.kind == "site_idle")
    assert (idle.since, idle.days) == (day("2024-01-01"), 131)
    signin = next(i for i in a.items if i.kind == "site_no_signin")
    assert signin.since == day("2024-04-01") and signin.link == {"kind": "activities", "site": 2}
    row = next(r for r in a.completeness if r["street_code"] == MINGSHUI)
    assert (row["sites"], row["complete"], row["share"]) == (3, 1, 0.3333)
    assert next(r for r in a.completeness if r["street_code"] == SHUANGSHAN)["share"] is None


def test_idle_counts_from_the_last_activity_or_the_opening(small):
    # 90 days after the last activity the theatre is not yet idle, 91 days after it is
    assert not any(i.kind == "site_idle" and i.subject_id == 3 for i in run(small, "2024-03-31").items)
    assert any(i.kind == "site_idle" and i.subject_id == 3 for i in run(small, "2024-04-01").items)
    # the site that opened on 2024-05-04 is listed only 91 days after opening
    assert not any(i.kind == "site_idle" and i.subject_id == 1 for i in run(small, "2024-08-02").items)
    assert any(i.kind == "site_idle" and i.subject_id == 1 for i in run(small, "2024-08-03").items)


# -- rule 4: ledgers ----------------------------------------------------------------------------

def test_a_street_without_records_is_never_entered_not_zero(small):
    a = run(small, "2024-05-11")
    table = {(r["street_code"], r["sheet"]): r for r in a.freshness}
    assert table[(SHUANGSHAN, "活动")]["state"] == "never" and table[(SHUANGSHAN, "活动")]["newest"] is None
    assert table[(SHUANGSHAN, "站点")]["state"] == "never" and not table[(SHUANGSHAN, "站点")]["watched"]
    assert table[(MINGSHUI, "活动")]["newest"] == day("2024-04-01") and table[(MINGSHUI, "活动")]["state"] == "fresh"
    assert table[(MINGSHUI, "活动参与")]["state"] == "stale" and table[(MINGSHUI, "活动参与")]["days"] == 131
    assert table[(MINGSHUI, "党组织")]["newest"] == day("2024-05-05")   # the new branch
    stale = {i.subject_name: i for i in a.items if i.kind == "ledger_stale"}
    assert set(stale) == {"双山街道·活动", "双山街道·活动参与", "明水街道·活动参与"}
    assert "从未录入" in stale["双山街道·活动"].why and stale["双山街道·活动"].days is None


# -- rule 5: problems ---------------------------------------------------------------------------

def test_problems_open_past_their_term_and_the_median_days_to_solve(small):
    a = run(small, "2024-05-11")
    listed = [i for i in a.items if i.kind == "problem_open"]
    # found 2024-02-10: 91 days open, listed; found a day later: 90 days, not yet
    assert [(i.subject_id, i.days) for i in listed] == [(1, 91)]
    assert listed[0].link == {"kind": "problems", "open": 1}
    assert a.summary["open_problems"] == 3            # 1, 2 and 6 (solved after the day)
    assert a.summary["median_days_to_solve"] == 40    # 20, 40, 60 days
    # problems are the bureau's own: not on a street's list
    assert not any(i.kind == "problem_open" for i in run(small, "2024-05-11", streets=["明水街道"]).items)


# -- the list -----------------------------------------------------------------------------------

def test_ranked_by_kind_then_most_overdue(small):
    a = run(small, "2024-07-11")
    order = [KINDS.index(i.kind) for i in a.items]
    assert order == sorted(order)
    meetings = [i.days for i in a.items if i.kind == "meetings"]
    assert meetings == sorted(meetings, reverse=True) and meetings[0] == 62
    ledgers = [i.days for i in a.items if i.kind == "ledger_stale"]
    assert ledgers[0] is None   # never entered comes before any number of days
    assert a.counts_by_kind["meetings"] == len(meetings) and sum(a.counts_by_kind.values()) == len(a.items)


def test_json_view_and_summary(small):
    a = run(small, "2024-05-11")
    data = json.loads(json.dumps(a.to_json(), ensure_ascii=False))
    assert data["as_of"] == "2024-05-11" and len(data["items"]) == len(a.items)
    assert data["items"][0]["subject"] == {"id": 1, "name": "明水支部"}
    with small.engine.connect() as c:
        ctx = ViewContext(Filter.district(day("2024-05-11")), streets(c), max_rows=3)
    view = attention_view(a, ctx)
    assert len(view.rows) == 3 and view.hidden == len(a.items) - 3 and "另有" in view.note
    lines = summary_lines(a)
    assert lines[0].startswith("1个党支部“三会一课”或主题党日逾期,最久的已逾期1天")
    assert any("中位用时为40天" in s for s in lines) and any("齐全率为33%" in s for s in lines)


def test_nothing_overdue_says_so(store):
    with store.engine.connect() as c:
        a = attention(c, Filter.district(day("2024-05-11")))
    assert a.items == () and summary_lines(a) == ["截至2024年5月11日,暂无需关注事项。"]


def test_cli_json(small):
    from tests.dashboard.test_cli import cli

    out = cli(small, "attention", "--as-of", "2024-05-11", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts_by_kind"] == run(small, "2024-05-11", Thresholds()).counts_by_kind
    text = cli(small, "attention", "--as-of", "2024-05-11")
    assert text.returncode == 0 and "需关注事项" in text.stdout
    bad = cli(small, "attention", "--street", "火星街道")
    assert bad.returncode == 2 and "未知的街道" in bad.stderr


def test_the_demo_keeps_a_handful_overdue(report_store):
    with report_store.engine.connect() as c:
        a = attention(c, Filter.district(day("2020-07-01")))
    assert 8 <= len(a.items) <= 40
    for kind in ("meetings", "problem_open", "four_in_one", "site_idle", "site_no_liaison", "ledger_stale"):
        assert a.counts_by_kind[kind] >= 1, kind
    assert a.counts_by_kind["four_in_one"] <= 4 and a.counts_by_kind["ledger_stale"] == 1


def test_both_plans_of_the_contact_rule_find_the_same_cadres(report_store):
    """SQLite takes the overdue 重点关爱对象 first, PostgreSQL the filter's cadres first: on either
    database the two give the same people, in the same order, with the same street for those
    without a home street."""
    import datetime as dt
    import random

    from sqlalchemy import select

    from dashboard.attention.contacts import overdue
    from dashboard.indicators import resolve_filter
    from dashboard.schema import Organisation

    rng = random.Random(7)
    with report_store.engine.connect() as c:
        branches = [r[0] for r in c.execute(select(Organisation.id).where(Organisation.parent_id.is_not(None)))]
        filters = [resolve_filter(c, as_of=dt.date(2020, 7, 1)), resolve_filter(c, as_of=dt.date(2018, 3, 1)),
                   resolve_filter(c, streets=["明水街道"], as_of=dt.date(2020, 7, 1)),
                   resolve_filter(c, streets=["双山街道", "官庄街道"], as_of=dt.date(2019, 11, 30)),
                   *(resolve_filter(c, branch=rng.choice(branches), as_of=dt.date(2020, 7, 1)) for _ in range(3))]
        found = 0
        for f in filters:
            for days in (30, 90, 365):
                by_cadres, by_focus = overdue(c, f, days, focus_first=False), overdue(c, f, days, focus_first=True)
                assert [tuple(r) for r in by_cadres[0]] == [tuple(r) for r in by_focus[0]], (f, days)
                assert by_cadres[1] == by_focus[1], (f, days)
                found += len(by_cadres[0])
        assert found > 0  # not vacuous: the demo has overdue 重点关爱对象
