"""What the volunteers give: service hours and person-times, the team ranking and the 银发人才库."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboard import vocab, volunteer_figures
from dashboard.indicators.filters import Filter, resolve_filter
from dashboard.indicators.volunteering import talent_pool, volunteer_service
from dashboard.ledger.values import Bad, as_choices
from dashboard.records import Drill, count
from dashboard.records.panels import drill_for
from dashboard.schema import Activity, Membership, Organisation, Person, VolunteerTeam
from dashboard.service import DataService
from tests.building import MINGSHUI, SHUANGSHAN, day, put, two_streets

AS_OF = day("2020-07-01")
F = Filter(as_of=AS_OF, start=day("2020-01-01"), end=AS_OF)


def _activity(i: int, when: str, category: str, street: str, people: int, hours: float, team=None, org=None) -> dict:
    return {"id": i, "code": f"A{i}", "date": day(when), "category": category, "name": f"活动{i}",
            "street_code": street, "participants": people, "hours": hours, "team_id": team, "org_id": org}


@pytest.fixture
def served(store):
    """Two teams in two streets: team 1 served twice in 明水 (3 × 2 h, 5 × 1.5 h), team 2 once in
    双山 (4 × 3 h); a 社区执勤 without a team; a 支委会 (not volunteer service); team 1's activity
    of last year (outside the period); team 3 founded and idle."""
    with store.engine.begin() as c:
        two_streets(c)
        put(c, VolunteerTeam, [
            {"id": 1, "code": "T1", "name": "明水街道老干部志愿服务队", "street_code": MINGSHUI, "founded_on": day("2015-01-01")},
            {"id": 2, "code": "T2", "name": "<b>宣讲团</b>", "street_code": SHUANGSHAN, "founded_on": day("2016-01-01")},
            {"id": 3, "code": "T3", "name": "新队", "street_code": SHUANGSHAN, "founded_on": day("2020-05-01")},
        ])
        put(c, Organisation, [{"id": 1, "code": "O1", "name": "支部", "kind": vocab.ESTABLISHED, "level": "党支部",
                               "street_code": MINGSHUI, "founded_on": day("2015-01-01")}])
        put(c, Activity, [
            _activity(1, "2020-03-05", vocab.PRACTICE, MINGSHUI, 3, 2.0, team=1),
            _activity(2, "2020-03-20", vocab.CULTURE, MINGSHUI, 5, 1.5, team=1),  # a team's activity counts whatever its category
            _activity(3, "2020-05-10", vocab.LECTURE_TOUR, SHUANGSHAN, 4, 3.0, team=2),
            _activity(4, "2020-02-01", vocab.COMMUNITY_DUTY, MINGSHUI, 1, 8.0),
            _activity(5, "2020-03-07", vocab.COMMITTEE_MEETING, MINGSHUI, 7, 2.0, org=1),
            _activity(6, "2019-12-31", vocab.PRACTICE, MINGSHUI, 9, 9.0, team=1),
        ])
    return store


def test_service_is_person_hours_and_person_times_of_volunteer_activities(served):
    with served.engine.connect() as conn:
        s = volunteer_service(conn, F)
    # 3×2 + 5×1.5 + 4×3 + 1×8 hours; the 支委会 and last year's activity are not counted
    assert (s.total.activities, s.total.person_times, s.total.hours) == (4, 13, 33.5)
    months = {m.label: (m.activities, m.person_times, m.hours) for m in s.by_month}
    assert list(months) == ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07"]
    assert months["2020-03"] == (2, 8, 13.5) and months["2020-01"] == (0, 0, 0.0)
    assert [(t.label, t.hours) for t in s.by_team] == [
        ("明水街道老干部志愿服务队", 13.5), ("<b>宣讲团</b>", 12.0), ("新队", 0.0)]
    assert {r.label: r.hours for r in s.by_street} == {"明水街道": 21.5, "双山街道": 12.0}


def test_a_street_filter_narrows_service_to_its_activities(served):
    with served.engine.connect() as conn:
        f = resolve_filter(conn, streets=["双山街道"], as_of=AS_OF, start=F.start, end=AS_OF, period="custom")
        s = volunteer_service(conn, f)
    assert s.total.hours == 12.0 and [r.label for r in s.by_street] == ["双山街道"]
    assert [t.label for t in s.by_team if t.activities] == ["<b>宣讲团</b>"]


def test_every_bar_lists_the_activities_it_counts(served):
    svc = DataService(served)
    s = svc.get("volunteer_service", F)
    with served.engine.connect() as conn:
        for month in s.by_month:
            assert count(conn, drill_for("volunteer-service", {"customdata": month.key}), F) == month.activities
        for team in s.by_team:
            assert count(conn, drill_for("volunteer-teams-ranked", {"customdata": team.key}), F) == team.activities
        for street in s.by_street:
            point = {"customdata": [street.key, street.label]}
            assert count(conn, drill_for("volunteer-streets", point), F) == street.activities
        assert count(conn, drill_for("volunteer-service"), F) == s.total.activities


def test_the_figures_name_teams_as_text_and_every_street(served):
    with served.engine.connect() as conn:
        s = volunteer_service(conn, F)
    ranked = volunteer_figures.teams_ranked(s)
    go.Figure(ranked)
    # the most hours at the top (plotly draws the last bar highest); markup is escaped; idle teams left out
    assert ranked["data"][0]["y"] == ["&lt;b&gt;宣讲团&lt;/b&gt;(双山街道)", "明水街道老干部志愿服务队"]
    streets = volunteer_figures.service_by_street(s, "dark")
    go.Figure(streets)
    assert streets["data"][0]["y"] == ["双山街道", "明水街道"]
    assert [c[0] for c in streets["data"][0]["customdata"]] == [SHUANGSHAN, MINGSHUI]
    months = volunteer_figures.service_by_month(s)
    go.Figure(months)
    # March: 13.5 hours above, 8 person-times below
    assert months["data"][0]["y"][2] == 13.5 and months["data"][1]["y"][2] == 8


def test_nothing_served_draws_the_empty_state(store):
    with store.engine.begin() as c:
        two_streets(c)
    with store.engine.connect() as conn:
        s = volunteer_service(conn, F)
        pool = talent_pool(conn, F)
    for fig in (volunteer_figures.service_by_month(s), volunteer_figures.teams_ranked(s),
                volunteer_figures.service_by_street(s), volunteer_figures.talent_pool(pool)):
        assert fig["data"] == [] and fig["layout"]["annotations"][0]["text"]


@pytest.fixture
def talented(store):
    """Five people: two in 明水 (理论宣讲、法律服务, willing; 文化艺术, not asked), one in 双山
    (法律服务, unwilling), one who filed nothing, and one who filed but left their branch (no
    longer a cadre of the dashboard). The first lives in 明水 and belongs to 双山's branch."""
    with store.engine.begin() as c:
        two_streets(c)
        base = {"gender": "男", "birth_year": 1950, "cadre_type": "退休"}
        put(c, Person, [
            {"id": 1, "code": "P1", "name": "甲", "street_code": MINGSHUI, "skills": "理论宣讲、法律服务", "willing": True, **base},
            {"id": 2, "code": "P2", "name": "乙", "street_code": MINGSHUI, "skills": "文化艺术", **base},
            {"id": 3, "code": "P3", "name": "丙", "street_code": SHUANGSHAN, "skills": "法律服务", "willing": False, **base},
            {"id": 4, "code": "P4", "name": "丁", "street_code": SHUANGSHAN, "willing": True, **base},
            {"id": 5, "code": "P5", "name": "戊", "street_code": MINGSHUI, "skills": "医疗保健", "willing": True, **base},
        ])
        put(c, Organisation, [
            {"id": 1, "code": "O1", "name": "支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": SHUANGSHAN, "founded_on": day("2015-01-01")},
            {"id": 2, "code": "O2", "name": "明水支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": MINGSHUI, "founded_on": day("2015-01-01")},
        ])
        put(c, Membership, [
            {"person_id": 1, "org_id": 1, "joined_on": day("2016-01-01")},
            {"person_id": 2, "org_id": 2, "joined_on": day("2016-01-01")},
            {"person_id": 3, "org_id": 1, "joined_on": day("2016-01-01")},
            {"person_id": 4, "org_id": 1, "joined_on": day("2016-01-01")},
            {"person_id": 5, "org_id": 2, "joined_on": day("2016-01-01"), "left_on": day("2019-05-01")},
        ])
    return store


def test_the_talent_pool_counts_people_once_and_by_each_field(talented):
    with talented.engine.connect() as conn:
        pool = talent_pool(conn, F)
        by_field = {name: (n, w) for name, n, w in pool.by_field}
        assert (pool.people, pool.willing) == (3, 1)
        assert by_field["法律服务"] == (2, 1) and by_field["理论宣讲"] == (1, 1) and by_field["文化艺术"] == (1, 0)
        assert by_field["医疗保健"] == (0, 0)  # filed by someone who is no longer a cadre
        assert [name for name, _, _ in pool.by_field] == list(vocab.TALENT_FIELDS)
        # a street is where they live; a branch is its members, wherever they live
        ms = resolve_filter(conn, streets=[MINGSHUI], as_of=AS_OF)
        assert talent_pool(conn, ms).people == 2
        branch = resolve_filter(conn, branch="O1", as_of=AS_OF)
        assert talent_pool(conn, branch).people == 2
        # each bar's list has as many people as the bar says
        for name, n, _ in pool.by_field:
            assert count(conn, drill_for("talent-pool", {"customdata": name}), F) == n
        assert count(conn, Drill("talent"), F) == 3


def test_the_talent_chart_stacks_willing_and_others():
    from dashboard.indicators.volunteering import TalentPool

    pool = TalentPool((("理论宣讲", 3, 2), ("法律服务", 0, 0), ("文化艺术", 1, 0)), 4, 2)
    fig = volunteer_figures.talent_pool(pool)
    go.Figure(fig)
    willing, others = fig["data"]
    assert willing["y"] == ["文化艺术", "理论宣讲"]  # fields nobody filed are left out
    assert willing["x"] == [0, 2] and others["x"] == [1, 1] and others["text"] == ["1 人", "3 人"]


@pytest.mark.parametrize(("raw", "stored"), [
    ("法律服务、理论宣讲", "理论宣讲、法律服务"), ("理论宣讲, 法律服务 ;理论宣讲", "理论宣讲、法律服务"),
    ("移风易俗", "移风易俗"),
])
def test_skills_are_read_in_any_separator_and_stored_in_vocabulary_order(raw, stored):
    assert as_choices(raw, vocab.TALENT_FIELDS) == stored


def test_an_unknown_skill_names_itself_and_the_choices():
    with pytest.raises(Bad, match="「唱歌」不在可选值之内.*理论宣讲"):
        as_choices("理论宣讲、唱歌", vocab.TALENT_FIELDS)


def test_the_demo_fills_the_talent_pool_for_the_living(report_store):
    with report_store.engine.connect() as conn:
        pool = talent_pool(conn, Filter.district(AS_OF))
    # one in six of the living filed skills, three in four of them willing (demo rules)
    assert 1000 < pool.people < 2500 and 0.65 < pool.willing / pool.people < 0.85
    assert all(n > 0 for _, n, _ in pool.by_field)
