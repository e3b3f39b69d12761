"""The demo data as of the report day equals the bureau's own published figures (docs/sources.md)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from dashboard import geo, vocab
from dashboard.demo import DemoRules, generate
from dashboard.indicators import Filter, kpis
from dashboard.schema import Contact, Person, Site

REPORT_DAY = dt.date(2020, 7, 1)


def test_report_day_figures_equal_the_report(report_store):
    k = kpis(report_store.engine, Filter.district(REPORT_DAY)).now
    assert k.volunteer_teams == 15
    assert 500 <= k.volunteers <= 599
    assert k.education_bases == 19
    assert k.standardised_shared_rooms == 6
    assert k.sites_by_type[vocab.THEATRE] == 5
    assert 10 <= k.sites_by_type[vocab.OPEN_ROOM] + k.sites_by_type[vocab.UNIVERSITY] <= 19
    assert k.functional_branches == 4
    assert k.newsletter_issues == 42
    assert k.oral_history_interviewees == 85
    assert k.problems_solved == 33
    assert 35 <= k.activities_by_category[vocab.PRACTICE] <= 39
    assert 30 <= k.activities_by_category[vocab.NEXT_GENERATION] <= 39


def test_the_store_says_it_holds_demo_data(report_store):
    info = report_store.demo_info()
    assert info["as_of"] == "2020-07-01" and info["scale"] == 1


def test_sites_lie_in_their_street_and_the_district(report_store):
    with report_store.engine.connect() as c:
        sites = c.execute(select(Site.street_code, Site.lon, Site.lat)).all()
    assert len(sites) > 40
    for street, lon, lat in sites:
        assert geo.in_district(lon, lat)
        assert geo.nearest_township(lon, lat).code == street


def test_members_and_sites_spread_over_all_streets(report_store):
    with report_store.engine.connect() as c:
        streets = c.execute(select(func.count(func.distinct(Site.street_code)))).scalar_one()
    assert streets >= 15
    k = kpis(report_store.engine, Filter.district(REPORT_DAY)).now
    assert k.party_members > 5000


def test_same_seed_same_data_other_seed_other_data():
    a = generate(DemoRules(as_of=dt.date(2016, 1, 1), seed=7))
    b = generate(DemoRules(as_of=dt.date(2016, 1, 1), seed=7))
    c = generate(DemoRules(as_of=dt.date(2016, 1, 1), seed=8))
    assert a == b
    assert a["people"] != c["people"]


def test_names_are_plainly_fictitious():
    rows = generate(DemoRules(as_of=dt.date(2014, 1, 1)))
    assert all("某" in p["name"] for p in rows["people"])


def test_no_record_ends_before_it_begins():
    rows = generate(DemoRules(as_of=dt.date(2026, 1, 1)))
    for table, start, end in (("memberships", "joined_on", "left_on"), ("volunteer_memberships", "joined_on", "left_on"),
                              ("organisations", "founded_on", "dissolved_on"), ("sites", "opened_on", "closed_on")):
        bad = [r for r in rows[table] if r[end] is not None and r[end] <= r[start]]
        assert bad == [], f"{table}: {bad[:3]}"


def test_a_person_listed_twice_signs_in_once():
    import random

    from dashboard import geo
    from dashboard.demo import DIGITAL_SIGN_IN, _Gen

    g = _Gen(rules=DemoRules(as_of=dt.date(2024, 6, 30)), rng=random.Random(1), streets=list(geo.townships()))
    g.add_activity(DIGITAL_SIGN_IN, "支委会", "测试支委会", "370114001000", attendees=[7, 8, 7])
    assert [p["person_id"] for p in g.participations] == [7, 8]
    assert g.activities[0]["participants"] == 2


def test_the_demo_cares_for_its_cadres_by_its_stated_rules(report_store):
    from dashboard.attention import attention
    from dashboard.indicators.care import birthdays, contact_share

    f = Filter.district(REPORT_DAY)
    with report_store.engine.connect() as c:
        share = contact_share(c, f)
        overdue = attention(c, f).counts_by_kind["contact_overdue"]
        born = birthdays(c, f)
    shares = [r.share for r in share.by_street if r.cadres]
    assert max(shares) - min(shares) >= 0.1            # some streets keep in touch, others fall behind
    assert 0 < share.total.contacted_year_ago and 0 < share.total.contacted < share.total.cadres
    assert 1 <= overdue <= 20                           # a handful of 重点关爱对象 to call on
    assert born.undated == 0 and any(r.round for r in born.rows)
    with report_store.engine.connect() as c:  # a 生日祝寿 visit falls on the birthday
        visits = c.execute(select(Contact.date, Person.birth_date).join(Person, Person.id == Contact.person_id)
                           .where(Contact.kind == vocab.BIRTHDAY_VISIT)).all()
    assert visits and all((d.month, d.day) == (b.month, b.day) for d, b in visits if (b.month, b.day) != (2, 29))
