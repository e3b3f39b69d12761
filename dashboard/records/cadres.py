"""老干部 (cadres): the people behind the care figures (dashboard.indicators.care), each list
built from the very conditions its figure counts with, so its length is the figure.

Selectors: ``street`` (a cadre's street: home, else their links'), ``bucket`` (the age
structure's slices), ``org`` (the members in force of one organisation: a row of the per-branch
contact table), ``contact`` (``yes``/``no``: contacted in the last ``days`` days or not;
``overdue``: the 需关注 rule), ``birthday`` (``month``: birthday in the as-of month; ``round``:
and turning 80, 90 or 100), ``person`` (one cadre, as a 需关注 item links to them).
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from dashboard.indicators import care
from dashboard.indicators.filters import Filter
from dashboard.records import people
from dashboard.records.drill import Drill
from dashboard.records.people import bucket_condition
from dashboard.records.spec import ID, Column, Kind, street_code
from dashboard.schema import Contact, Membership, Person, Street

COLUMNS = (
    *people.COLUMNS,
    # care columns are personal too: health, living alone and a phone number tell about one person
    Column("health", "健康状况", personal=True),
    Column("lives_alone", "独居", personal=True),
    Column("phone", "联系电话", personal=True),
    Column("last_contact", "最近联系日期", blank_first=True),
)


def cadres(conn: Connection, f: Filter, d: Drill) -> Select:
    days = d.days or care.DEFAULT_CONTACT_DAYS
    last = (select(Contact.person_id, func.max(Contact.date).label("last"))
            .where(Contact.date <= f.as_of).group_by(Contact.person_id).subquery())
    stmt = (
        select(Person.id.label(ID), Person.code.label("code"), Person.name.label("name"),
               Person.gender.label("gender"), Person.birth_year.label("birth_year"),
               Person.cadre_type.label("cadre_type"), Street.name.label("street"), Person.health.label("health"),
               Person.lives_alone.label("lives_alone"), Person.phone.label("phone"),
               last.c.last.label("last_contact"))
        .outerjoin(Street, Street.code == Person.street_code)
        .outerjoin(last, last.c.person_id == Person.id)
        .where(Person.id.in_(care.cadre_ids(f)))
    )
    code = street_code(conn, d)
    if code is not None:
        stmt = stmt.where(care.in_streets((code,), care.links_on(f).subquery()))
    if d.bucket is not None:
        stmt = stmt.where(bucket_condition(d.bucket, f.as_of))
    if d.org is not None:
        stmt = stmt.where(Person.id.in_(select(Membership.person_id).where(
            Membership.org_id == d.org, Membership.joined_on <= f.as_of,
            or_(Membership.left_on.is_(None), Membership.left_on > f.as_of))))
    if d.contact == "yes":
        stmt = stmt.where(Person.id.in_(care.contacted_ids(f.as_of, days)))
    elif d.contact == "no":
        stmt = stmt.where(Person.id.not_in(care.contacted_ids(f.as_of, days)))
    elif d.contact == "overdue":
        stmt = stmt.where(care.overdue_condition(f.as_of, days))
    if d.birthday is not None:
        stmt = stmt.where(care.birthday_condition(f.as_of, only_round=d.birthday == "round"))
    if d.person is not None:
        stmt = stmt.where(Person.id == d.person)
    return stmt


# the longest without a contact first (never contacted before anyone): who to call next
KINDS = (Kind("cadres", "老干部", COLUMNS, ("code", "name"), "last_contact", cadres),)
