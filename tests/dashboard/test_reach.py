"""四就近 (docs/indicators.md, "四就近 · Within reach"): each rule pinned on a small hand-built store.

Positions are laid out in metres from one point (``at``), so that a distance in a test is the
distance the rule sees: 1,500 m of route is 1,500 / 1.3 m of straight line.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from dashboard import vocab
from dashboard.attention import Thresholds
from dashboard.indicators import Filter, resolve_filter
from dashboard.indicators.breakdowns import streets
from dashboard.reach import geometry
from dashboard.reach.coverage import ALL_FOUR, coverage
from dashboard.reach.distance import StraightLine
from dashboard.reach.rules import DEFAULT_SITE_TYPES, ReachRules, parse_site_types
from dashboard.reach.suggest import greedy, suggestions
from dashboard.reach.views import coverage_table, gaps_map, suggestions_table
from dashboard.schema import Membership, Organisation, Person, Site, Street, VolunteerMembership, VolunteerTeam
from dashboard.settings import Settings
from dashboard.views import ViewContext
from tests.building import MINGSHUI, SHUANGSHAN, day, put, two_streets

DUOZHUANG = "370114101000"
D = day("2024-06-01")
STUDY = vocab.UNIVERSITY  # a 就近学习 site type
BASE = geometry.to_metres([117.54], [36.72])[0]


def at(east_m: float, north_m: float) -> tuple[float, float]:
    lon, lat = geometry.to_degrees(BASE + np.array([east_m, north_m]))
    return float(lon[0]), float(lat[0])


def person(pid: int, where: tuple[float, float] | None, street: str | None = MINGSHUI) -> dict:
    row = {"id": pid, "code": f"P{pid}", "name": f"测试某{pid}", "gender": "男", "birth_year": 1950,
           "cadre_type": "退休", "street_code": street}
    if where:
        row["lon"], row["lat"] = where
    return row


def site(sid: int, where: tuple[float, float], kind: str = STUDY, street: str = MINGSHUI,
         opened: str = "2020-01-01", closed: str | None = None) -> dict:
    lon, lat = where
    return {"id": sid, "code": f"S{sid}", "name": f"站点{sid}", "type": kind, "street_code": street, "lon": lon,
            "lat": lat, "opened_on": day(opened), "closed_on": day(closed) if closed else None}


def build(store, people: list[dict], sites: list[dict]) -> None:
    """The streets, the people and the sites; every person a cadre (a volunteer since 2010: the
    cadres of a day are those with a membership or team membership in force, as the care figures count)."""
    with store.engine.begin() as c:
        two_streets(c)
        put(c, Street, [{"code": DUOZHUANG, "name": "垛庄镇", "kind": "镇", "lon": 117.42, "lat": 36.5}])
        put(c, Person, people)
        put(c, Site, sites)
        put(c, VolunteerTeam, [{"id": 900, "code": "T900", "name": "测试队", "street_code": MINGSHUI,
                                "founded_on": day("2010-01-01")}])
        put(c, VolunteerMembership, [{"person_id": p["id"], "team_id": 900, "joined_on": day("2010-01-01")}
                                     for p in people])


def cover(store, as_of: dt.date = D, rules: ReachRules | None = None, **kw):
    with store.engine.connect() as c:
        return coverage(c, resolve_filter(c, as_of=as_of, **kw), rules)


def street(cov, code: str):
    return next(s for s in cov.streets if s.code == code)


def test_someone_exactly_on_the_radius_is_within_reach_and_a_metre_further_is_not(store):
    # 明水's cadre has 1,500 m of route to a classroom, exactly the 街道 radius; 双山's has 1,501 m
    build(store, [person(1, at(0, 0)), person(2, at(20_000, 0), SHUANGSHAN)],
          [site(1, at(0, 1500 / 1.3)), site(2, at(20_000, -1501 / 1.3))])
    cov = cover(store)
    assert street(cov, MINGSHUI).within["学习"] == 1
    assert street(cov, SHUANGSHAN).within["学习"] == 0
    assert cov.district.share("学习") == 0.5


def test_a_site_closed_yesterday_or_opening_tomorrow_serves_nobody_today(store):
    build(store, [person(1, at(0, 0))],
          [site(1, at(0, 300), closed="2024-05-31"), site(2, at(300, 0), opened="2024-06-02")])
    assert cover(store).district.within["学习"] == 0
    assert cover(store, day("2024-06-02")).district.within["学习"] == 1  # the new one has opened
    assert cover(store, day("2024-05-30")).district.within["学习"] == 1  # the old one was still open
    # a site closing on the day is closed on it (the half-open rule)
    assert cover(store, day("2024-05-31")).district.within["学习"] == 0


def test_a_cadre_in_a_town_may_live_further_away_than_one_in_a_street(store):
    # both have 2,600 m of route to a classroom: within 垛庄镇's 3 km, beyond 双山街道's 1.5 km
    build(store, [person(1, at(0, 0), DUOZHUANG), person(2, at(30_000, 0), SHUANGSHAN)],
          [site(1, at(0, 2000)), site(2, at(30_000, 2000))])
    cov = cover(store)
    assert street(cov, DUOZHUANG).within["学习"] == 1
    assert street(cov, SHUANGSHAN).within["学习"] == 0
    wider = cover(store, rules=ReachRules(street_m=2600))
    assert street(wider, SHUANGSHAN).within["学习"] == 1


def test_a_site_across_the_street_border_serves_the_cadres_near_it(store):
    build(store, [person(1, at(0, 0), SHUANGSHAN)], [site(1, at(0, 500), street=MINGSHUI)])
    cov = cover(store, streets=["双山街道"])
    assert [s.code for s in cov.streets] == [SHUANGSHAN]
    assert street(cov, SHUANGSHAN).within["学习"] == 1 and cov.district.cadres == 1


def test_all_four_needs_a_site_of_every_kind_within_reach(store):
    kinds = [types[0] for _, types in DEFAULT_SITE_TYPES]
    build(store, [person(1, at(0, 0)), person(2, at(200, 0))],
          [site(i + 1, at(0, 100 * (i + 1)), kind=k) for i, k in enumerate(kinds)]
          + [site(9, at(3000, 0), kind=vocab.SANATORIUM)])
    cov = cover(store)
    assert cov.district.within == {"学习": 2, "活动": 2, "关心照顾": 2, "发挥作用": 2, ALL_FOUR: 2}
    # without the 关心照顾 site near them, nobody has all four
    with store.engine.begin() as c:
        c.execute(Site.__table__.update().where(Site.id == 3).values(closed_on=day("2024-01-01")))
    assert cover(store).district.within[ALL_FOUR] == 0


def test_the_year_ago_share_uses_the_sites_open_a_year_before(store):
    build(store, [person(1, at(0, 0)), person(2, at(10_000, 0))],
          [site(1, at(0, 500), opened="2020-01-01"), site(2, at(10_000, 500), opened="2023-12-01")])
    cov = cover(store)
    assert cov.year_ago == day("2023-06-01")
    assert (cov.district.share("学习"), cov.district.share_year_ago("学习")) == (1.0, 0.5)
    ctx = ViewContext(Filter.district(D), [])
    table = coverage_table(cov, ctx)
    district = table.rows[0]
    assert district[0].text == "全区" and district[2].text == "100.0%"
    assert "上年同期 50.0%" in district[2].title and "▲ 50.0 个百分点" in district[2].title


def test_each_day_is_served_by_its_own_open_sites_when_some_open_or_close_between(store):
    # one site open on both days, one closed since, one opened since, each near one cadre; the
    # cadre of the closed one has a farther open one beyond reach, and one near nothing at all
    build(store, [person(1, at(0, 0)), person(2, at(10_000, 0)), person(3, at(20_000, 0)), person(4, at(40_000, 0))],
          [site(1, at(0, 500)), site(2, at(10_000, 500), closed="2024-01-01"), site(3, at(10_000, 1600)),
           site(4, at(20_000, 500), opened="2024-01-01")])
    cov = cover(store)
    assert (cov.district.within["学习"], cov.district.within_year_ago["学习"]) == (2, 2)
    assert (cov.district.cadres, cov.district.cadres_year_ago) == (4, 4)
    grid = {(cell.lon, cell.lat): cell.out[0] for cell in cov.cells}
    assert sum(grid.values()) == 2  # the cadres of the closed site and of no site, on the day


def test_a_branch_means_its_members_on_the_day_and_on_the_day_a_year_before(store):
    build(store, [person(1, at(0, 0)), person(2, at(10_000, 0))], [site(1, at(0, 500))])
    with store.engine.begin() as c:
        put(c, Organisation, [{"id": 1, "code": "O1", "name": "明水支部", "kind": vocab.ESTABLISHED, "level": "党支部",
                               "street_code": MINGSHUI, "founded_on": day("2015-01-01")}])
        put(c, Membership, [
            {"id": 1, "person_id": 1, "org_id": 1, "joined_on": day("2015-01-01")},
            {"id": 2, "person_id": 2, "org_id": 1, "joined_on": day("2015-01-01"), "left_on": day("2024-01-01")},
        ])
    cov = cover(store, branch="明水支部")
    assert (cov.district.cadres, cov.district.within["学习"]) == (1, 1)  # the far one has left
    assert (cov.district.cadres_year_ago, cov.district.within_year_ago["学习"]) == (2, 1)


def test_a_site_without_a_finite_position_serves_no_one_and_breaks_nothing(store):
    build(store, [person(1, at(0, 0)), person(2, at(10_000, 0))],
          [site(1, at(0, 500)), site(2, (float("inf"), at(10_000, 500)[1])), site(3, (at(10_000, 500)[0], float("-inf")))])
    cov = cover(store)
    assert (cov.district.cadres, cov.district.within["学习"]) == (2, 1)


def test_cadres_without_a_home_position_are_counted_apart(store):
    # PostgreSQL keeps NaN and infinity in a float column (SQLite makes NaN a NULL): a position
    # written so by hand or by another tool is no position either
    nowhere = [person(4, (float("nan"), float("nan"))), person(5, (float("inf"), at(0, 0)[1]))]
    build(store, [person(1, at(0, 0)), person(2, None), person(3, at(0, 0), street=None), *nowhere],
          [site(1, at(0, 500))])
    cov = cover(store)
    assert (cov.district.cadres, cov.district.unplaced, street(cov, MINGSHUI).unplaced) == (1, 4, 3)
    assert cov.district.share("学习") == 1.0
    assert "未登记居住位置的 4 人未计入" in coverage_table(cov, ViewContext(Filter.district(D), [])).note


def test_the_grid_shows_cell_centres_and_counts_never_a_home(store):
    corner = np.floor(BASE / 1000) * 1000 - BASE  # a corner of the 1 km grid, from BASE
    homes = [at(*(corner + d)) for d in ((100, 100), (130, 140), (900, 50), (5_250, 5_400))]  # 3 in one cell, 1 in another
    build(store, [person(i + 1, h) for i, h in enumerate(homes)], [])  # no sites: everyone is out of reach
    cov = cover(store)
    assert sum(c.out[-1] for c in cov.cells) == 4 and sorted(c.out[-1] for c in cov.cells) == [1, 3]
    for cell in cov.cells:
        xy = geometry.to_metres([cell.lon], [cell.lat])[0]
        assert np.allclose(np.mod(xy, cov.grid_m), cov.grid_m / 2, atol=0.5)  # a cell's centre
        assert all(geometry.to_metres([lon], [lat])[0].round(0).tolist() != xy.round(0).tolist() for lon, lat in homes)
    with store.engine.connect() as c:
        figure = gaps_map(cov, streets(c))
    # the map draws the outline, the streets' seats and grid layers: every grid column and row is a cell's centre
    assert {t["name"] for t in figure["data"] if t["type"] == "scatter"} == {"区界", "街道/镇"}
    layers = [t for t in figure["data"] if t["type"] == "heatmap"]
    assert len(layers) == 5 and [t["visible"] for t in layers].count(True) == 1
    for layer in layers:
        xy = geometry.to_metres(layer["x"], [layer["y"][0]] * len(layer["x"]))
        assert np.allclose(np.mod(xy[:, 0], 1000), 500, atol=0.5)
        xy = geometry.to_metres([layer["x"][0]] * len(layer["y"]), layer["y"])
        assert np.allclose(np.mod(xy[:, 1], 1000), 500, atol=0.5)
    assert sorted(v for row in layers[-1]["z"] for v in row if v) == [1, 3]


def test_the_suggestion_covers_the_most_and_says_how_many(store):
    # five cadres at one spot, three at another 10 km away, no 学习 site; the other kinds are near all
    five = [person(i, at(60 * i, 0)) for i in range(1, 6)]
    three = [person(10 + i, at(10_000 + 60 * i, 0)) for i in range(3)]
    others = [site(20 + i, at(x, 300), kind=k) for i, (x, k) in enumerate(
        (x, k) for x in (0, 10_000) for k in (vocab.OPEN_ROOM, vocab.SANATORIUM, vocab.PRACTICE_STATION))]
    build(store, five + three, others)
    with store.engine.connect() as c:
        f = resolve_filter(c, as_of=D)
        picks = suggestions(c, f)
        seats = streets(c)
    [pick] = picks.rows
    assert (pick.street_code, pick.kind, pick.adds, pick.cadres, pick.within) == (MINGSHUI, "学习", 5, 8, 0)
    assert (pick.share_before, pick.share_after) == (0.0, 5 / 8)
    x, _ = geometry.to_metres([pick.lon], [pick.lat])[0] - BASE
    assert -1500 < x < 1500  # by the five, not the three
    row = suggestions_table(picks, ViewContext(f, seats)).rows[0]
    assert [row[1].text, row[3].text, row[4].text] == ["就近学习", "5人", "0.0% → 62.5%"]


def test_greedy_picks_count_only_the_cadres_no_earlier_pick_reached():
    homes = np.array([[0, 0], [50, 0], [100, 0], [5000, 0], [5050, 0]], dtype=float)
    places = np.array([[40, 0], [60, 0], [5020, 0]], dtype=float)
    # the second place reaches the same three as the first: after it, only the far two are left
    assert greedy(places, homes, 1500, StraightLine(1.3), picks=3) == [(0, 3), (2, 2)]


@pytest.mark.parametrize(("raw", "message"), [
    ("学习=芳华剧场; 活动=活动中心; 关心照顾=干休所", "no site types given for 发挥作用"),
    ("学习=芳华剧场; 活动=活动中心; 关心照顾=干休所; 发挥作用=养老院", "unknown site type “养老院” for 发挥作用"),
    ("学习=芳华剧场; 学习=活动中心", "kind “学习” is given twice"),
    ("读书=芳华剧场", "unknown kind “读书”"),
    ("学习 芳华剧场", "should read kind=site type"),
    ("学习=; 活动=活动中心", "kind “学习” has no site type"),
])
def test_a_wrong_site_type_mapping_is_refused_with_the_reason(raw, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"DASHBOARD_REACH_SITE_TYPES": raw})


def test_the_settings_reach_the_rules_and_their_defaults_agree():
    assert Thresholds.from_settings(Settings()).reach == ReachRules() == Thresholds().reach
    s = Settings.from_env({"DASHBOARD_REACH_SITE_TYPES": "发挥作用=文明实践站;学习=芳华剧场、活动中心;活动=活动中心;关心照顾=干休所",
                           "DASHBOARD_REACH_STREET_METRES": "1000", "DASHBOARD_REACH_DETOUR": "1.2"})
    rules = Thresholds.from_settings(s).reach
    assert rules.types_of("学习") == (vocab.THEATRE, vocab.ACTIVITY_CENTRE) and [k for k, _ in rules.site_types] == [
        "学习", "活动", "关心照顾", "发挥作用"]
    assert (rules.street_m, rules.town_m, rules.detour) == (1000, 3000, 1.2)
    for bad in ("0.9", "much"):
        with pytest.raises(ValueError, match="DASHBOARD_REACH_DETOUR"):
            Settings.from_env({"DASHBOARD_REACH_DETOUR": bad})
    assert parse_site_types("X", "学习=老年大学分校/课堂;活动=芳华剧场;关心照顾=干休所;发挥作用=文明实践站")[0] == (
        "学习", (vocab.UNIVERSITY,))


def test_the_demo_shares_are_neither_none_nor_all(report_store):
    """The report's ~50 sites for 18 streets reach few cadres (docs/indicators.md says why), but
    every kind reaches some, more in some streets than in others."""
    cov = cover(report_store, day("2020-07-01"))
    # the cadres of the day: the demo's 11,000 people less those who died (their memberships ended)
    assert 8_000 < cov.district.cadres < 11_000 and len(cov.streets) == 18
    for kind in ("学习", "活动", "关心照顾", "发挥作用"):
        shares = [s.share(kind) for s in cov.streets]
        assert 0.03 < cov.district.share(kind) < 0.5, kind
        assert 2 * min(shares) < max(shares), kind  # some streets are far better served than others
        assert cov.district.share(ALL_FOUR) <= cov.district.share(kind)
    assert cov.cells and all(sum(c.out) > 0 for c in cov.cells)


def test_a_site_is_never_suggested_outside_the_district(store):
    # a cadre registered in 明水 but living in Jinan's city centre, 40 km west: out of reach, and
    # no site can be suggested where they live
    build(store, [person(1, (117.0, 36.65))], [])
    with store.engine.connect() as c:
        f = resolve_filter(c, as_of=D)
        assert coverage(c, f).district.within["学习"] == 0
        assert suggestions(c, f).rows == ()


def test_changing_the_period_alone_reuses_the_coverage(report_store):
    from dashboard.service import DataService

    svc = DataService(report_store)
    version = svc.version().version
    with report_store.engine.connect() as c:
        twelve = resolve_filter(c, as_of=day("2020-07-01"))
        year = resolve_filter(c, as_of=day("2020-07-01"), period="year")
    first = svc.get("reach", twelve, version)
    computed = svc.computed
    assert svc.get("reach", year, version) is first and svc.computed == computed
