"""Each indicator definition (docs/indicators.md) pinned on small hand-built stores."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dashboard import vocab
from dashboard.indicators import Filter, FilterError, kpis, resolve_filter
from dashboard.indicators.three_meetings import three_meetings
from dashboard.schema import (
    Activity,
    Membership,
    Organisation,
    Participation,
    Person,
    Site,
    VolunteerMembership,
    VolunteerTeam,
)
from tests.building import MINGSHUI, SHUANGSHAN, day, put, two_streets

D = dt.date(2024, 6, 30)




@pytest.fixture
def small(store):
    """Two streets, three branches (one dissolved the day before D), people in two branches."""
    with store.engine.begin() as c:
        two_streets(c)
        put(c, Organisation, [
            {"id": 1, "code": "O1", "name": "明水支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": MINGSHUI, "founded_on": day("2015-01-01")},
            {"id": 2, "code": "O2", "name": "合唱团支部", "kind": vocab.FUNCTIONAL, "level": "党支部",
             "street_code": MINGSHUI, "founded_on": day("2019-01-01")},
            {"id": 3, "code": "O3", "name": "双山支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": SHUANGSHAN, "founded_on": day("2015-01-01"), "dissolved_on": D - dt.timedelta(days=1)},
            {"id": 4, "code": "O4", "name": "新支部", "kind": vocab.ESTABLISHED, "level": "党支部",
             "street_code": SHUANGSHAN, "founded_on": D + dt.timedelta(days=1)},
        ])
        put(c, Person, [
            {"id": i, "code": f"P{i}", "name": f"测试某{i}", "gender": "男", "birth_year": 1950,
             "cadre_type": "退休", "street_code": MINGSHUI} for i in range(1, 7)
        ])
        put(c, Membership, [
            # person 1 in an established and a functional branch: one member
            {"person_id": 1, "org_id": 1, "joined_on": day("2015-01-01")},
            {"person_id": 1, "org_id": 2, "joined_on": day("2019-01-01")},
            {"person_id": 2, "org_id": 1, "joined_on": day("2015-01-01"), "left_on": D},  # left on D itself
            {"person_id": 3, "org_id": 1, "joined_on": D},  # joined on D: counts
            {"person_id": 4, "org_id": 3, "joined_on": day("2015-01-01")},  # branch dissolved: not counted
            {"person_id": 5, "org_id": 1, "joined_on": D + dt.timedelta(days=1)},  # future
        ])
        put(c, Site, [
            {"id": 1, "code": "S1", "name": "活动室", "type": vocab.SHARED_ROOM, "street_code": MINGSHUI,
             "lon": 117.54, "lat": 36.72, "co_built": True, "standardised": True, "opened_on": day("2018-01-01")},
            {"id": 2, "code": "S2", "name": "基地", "type": vocab.EDUCATION_BASE, "street_code": SHUANGSHAN,
             "lon": 117.52, "lat": 36.69, "opened_on": day("2016-01-01")},
            {"id": 3, "code": "S3", "name": "旧基地", "type": vocab.EDUCATION_BASE, "street_code": MINGSHUI,
             "lon": 117.54, "lat": 36.72, "opened_on": day("2016-01-01"), "closed_on": day("2024-06-01")},
            {"id": 4, "code": "S4", "name": "剧场", "type": vocab.THEATRE, "street_code": MINGSHUI,
             "lon": 117.54, "lat": 36.72, "co_built": True, "opened_on": day("2023-07-01")},
        ])
        put(c, VolunteerTeam, [
            {"id": 1, "code": "T1", "name": "队1", "street_code": MINGSHUI, "org_id": 1, "founded_on": day("2016-01-01")},
            {"id": 2, "code": "T2", "name": "队2", "street_code": SHUANGSHAN, "founded_on": day("2016-01-01")},
            {"id": 3, "code": "T3", "name": "散队", "street_code": SHUANGSHAN, "founded_on": day("2016-01-01"),
             "dissolved_on": day("2020-01-01")},
        ])
        put(c, VolunteerMembership, [
            {"person_id": 1, "team_id": 1, "joined_on": day("2016-01-01")},
            {"person_id": 1, "team_id": 2, "joined_on": day("2016-01-01")},  # one volunteer in two teams
            {"person_id": 6, "team_id": 2, "joined_on": day("2016-01-01")},
            {"person_id": 2, "team_id": 3, "joined_on": day("2016-01-01")},  # team dissolved
        ])
        put(c, Activity, [
            {"id": 1, "code": "A1", "date": day("2024-01-15"), "category": vocab.COMMITTEE_MEETING, "name": "a",
             "org_id": 1, "street_code": MINGSHUI, "participants": 2, "hours": 1},
            {"id": 2, "code": "A2", "date": day("2023-07-01"), "category": vocab.PRACTICE, "name": "b",
             "team_id": 2, "street_code": SHUANGSHAN, "participants": 2, "hours": 1},
            {"id": 3, "code": "A3", "date": day("2023-06-30"), "category": vocab.PRACTICE, "name": "c",
             "team_id": 2, "street_code": SHUANGSHAN, "participants": 1, "hours": 1},  # one day before the window
        ])
        put(c, Participation, [
            {"activity_id": 1, "person_id": 1}, {"activity_id": 1, "person_id": 2},
            {"activity_id": 2, "person_id": 1}, {"activity_id": 2, "person_id": 6},
            {"activity_id": 3, "person_id": 4},
        ])
    return store


def figures(store, **kw):
    with store.engine.connect() as c:
        f = resolve_filter(c, as_of=D, **kw)
    return kpis(store.engine, f)


def test_branches_count_active_on_the_day_split_by_kind(small):
    k = figures(small).now
    # the branch dissolved the day before and the one founded the day after are out
    assert (k.active_branches, k.established_branches, k.functional_branches) == (2, 1, 1)


def test_members_count_each_person_once(small):
    # 1 (two branches, once), 3 (joined on D); not 2 (left on D), 4 (dissolved branch), 5 (future)
    assert figures(small).now.party_members == 2


def test_volunteers_distinct_people_in_active_teams(small):
    k = figures(small).now
    assert k.volunteer_teams == 2
    assert k.volunteers == 2  # person 1 once, person 6; person 2's team is dissolved


def test_sites_closed_before_the_day_are_out(small):
    k = figures(small).now
    assert k.education_bases == 1
    assert k.co_built_sites == 2
    assert k.standardised_shared_rooms == 1
    assert k.sites_by_type[vocab.THEATRE] == 1


def test_period_is_inclusive_and_year_ago_shifts_it(small):
    k = figures(small)
    assert k.filter.start == day("2023-07-01") and k.filter.end == D
    assert k.now.activities == 2
    assert k.now.activities_by_category[vocab.PRACTICE] == 1
    assert k.now.participants == 3  # persons 1, 2, 6
    assert k.year_ago.activities == 1  # A3 on 2023-06-30
    assert k.year_ago.participants == 1
    assert k.year_ago.sites_by_type[vocab.THEATRE] == 0  # opened 2023-07-01, the day after the year-ago day


def test_street_filter_scopes_every_figure(small):
    k = figures(small, streets=["双山街道"]).now
    assert (k.active_branches, k.party_members, k.volunteer_teams, k.volunteers) == (0, 0, 1, 2)
    assert k.education_bases == 1 and k.activities == 1


def test_branch_filter_scopes_members_teams_and_activities(small):
    k = figures(small, branch="O1").now
    assert (k.active_branches, k.party_members, k.volunteer_teams, k.volunteers, k.activities) == (1, 2, 1, 1, 1)
    assert k.co_built_sites == 2  # the sites of the branch's street


def test_unknown_street_or_branch_is_a_clear_error(small):
    with pytest.raises(FilterError, match="未知的街道"):
        figures(small, streets=["火星街道"])
    with pytest.raises(FilterError, match="未知的党组织"):
        figures(small, branch="不存在支部")
    with pytest.raises(FilterError, match="不在所选街道"):
        figures(small, streets=[SHUANGSHAN], branch="O1")
    with pytest.raises(FilterError, match="晚于"):
        figures(small, start=day("2024-05-01"), end=day("2024-04-01"))


def test_three_meetings_held_against_required(small):
    with small.engine.begin() as c:
        put(c, Activity, [
            {"id": 10 + m, "code": f"M{m}", "date": dt.date(2024, m, 10), "category": vocab.COMMITTEE_MEETING, "name": "x",
             "org_id": 1, "street_code": MINGSHUI} for m in range(2, 7)
        ] + [{"id": 30, "code": "G1", "date": day("2024-03-05"), "category": vocab.GENERAL_MEETING, "name": "x",
              "org_id": 1, "street_code": MINGSHUI}])
    with small.engine.connect() as c:
        rows = {r.org_id: r for r in three_meetings(c, Filter(as_of=D, start=day("2024-01-01"), end=D))}
    assert set(rows) == {1, 2}  # active branches only
    r = rows[1]
    # Jan..Jun: 6 monthly meetings due, 2 quarterly (Q1, Q2)
    assert r.required[vocab.COMMITTEE_MEETING] == 6 and r.held[vocab.COMMITTEE_MEETING] == 6
    assert r.required[vocab.GENERAL_MEETING] == 2 and r.held[vocab.GENERAL_MEETING] == 1
    assert r.required[vocab.GROUP_MEETING] == 6 and r.held[vocab.GROUP_MEETING] == 0
    assert r.status == "red"


def _report_filters(conn) -> list[Filter]:
    """District, one street, two streets, a branch tree, a custom period, and a year before each."""
    as_of = dt.date(2020, 7, 1)
    branch = conn.execute(select(Organisation.id).where(Organisation.parent_id.is_not(None)).order_by(Organisation.id)).first()[0]
    made = [resolve_filter(conn, as_of=as_of), resolve_filter(conn, streets=["明水街道"], as_of=as_of),
            resolve_filter(conn, streets=["双山街道", "绣惠街道"], as_of=as_of),
            resolve_filter(conn, branch=branch, as_of=as_of),
            resolve_filter(conn, as_of=as_of, period="custom", start=dt.date(2019, 3, 1), end=dt.date(2019, 9, 30))]
    return made + [f.year_ago() for f in made]


def test_prepared_statements_give_what_the_statement_with_its_values_gives(report_store):
    """Each statement run through kpi.run (compiled once per filter shape, the filter's values bound)
    answers what SQLAlchemy's own execution of the statement built for that filter answers."""
    from dashboard.attention import ledgers
    from dashboard.indicators import breakdowns, care, kpi
    from dashboard.reach import data

    builds = [kpi.branches_stmt, kpi.members_stmt, kpi.teams_stmt, kpi.volunteers_stmt, kpi.sites_by_type_stmt,
              kpi.activities_stmt, kpi.participants_stmt, kpi.report_records_stmt, care.cadre_ids, data._homes,
              breakdowns._streets, ledgers.newest_statement]
    with report_store.engine.connect() as conn:
        filters = _report_filters(conn)
        assert len({kpi._shape(f) for f in filters}) >= 3  # the shapes differ: several texts per statement
        for build in builds:
            for f in filters:
                # the same values of the same types (dates as dates on SQLite too), in any order
                expected = sorted((tuple(r) for r in conn.execute(build(f)).all()), key=repr)
                assert sorted(kpi.run(conn, build, f), key=repr) == expected, (build.__name__, f)
                assert expected or build is kpi.activities_stmt, (build.__name__, f)  # not vacuous
