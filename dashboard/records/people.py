"""People behind the person counts: party members, volunteers and participants.

Each list is the people whose id is in the very statement the KPI counts distinct ids of
(the same scope conditions from :mod:`dashboard.indicators.kpi`), so the list's length is the
figure. A person in two branches (or teams, or activities) is one row, as they are one count.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from dashboard import vocab
from dashboard.indicators.breakdowns import AGE_BANDS
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import activity_scope, member_scope, volunteer_scope
from dashboard.indicators.volunteering import talent_people
from dashboard.records.drill import Drill
from dashboard.records.spec import ID, Column, Kind, street_code
from dashboard.schema import (
    Activity,
    Membership,
    Organisation,
    Participation,
    Person,
    Street,
    VolunteerMembership,
    VolunteerTeam,
)

COLUMNS = (
    Column("code", "人员编码", personal=True),
    Column("name", "姓名", personal=True),
    Column("gender", "性别"),
    Column("birth_year", "出生年份"),
    Column("cadre_type", "干部类别"),
    Column("street", "居住街道/镇"),
)


def people_of(ids: Select) -> Select:
    """The list columns of the people whose id is in ``ids``."""
    return (
        select(Person.id.label(ID), Person.code.label("code"), Person.name.label("name"),
               Person.gender.label("gender"), Person.birth_year.label("birth_year"),
               Person.cadre_type.label("cadre_type"), Street.name.label("street"))
        .outerjoin(Street, Street.code == Person.street_code)
        .where(Person.id.in_(ids))
    )


def bucket_condition(bucket: str, as_of: dt.date):
    """A member-structure slice as a condition on people, as member_structure() sorts them."""
    if bucket in vocab.CADRE_TYPES:
        return Person.cadre_type == bucket
    if bucket in vocab.GENDERS:
        return Person.gender == bucket
    lo, hi = next((lo, hi) for lo, hi, label in AGE_BANDS if label == bucket)
    # age on the day = as-of year - birth year, within [lo, hi]
    return Person.birth_year.between(as_of.year - hi, as_of.year - lo)


def member_ids(conn: Connection, f: Filter, d: Drill) -> Select:
    ids = select(Membership.person_id).join(Organisation, Organisation.id == Membership.org_id).where(*member_scope(f))
    code = street_code(conn, d)
    if code is not None:
        ids = ids.where(Organisation.street_code == code)
    return ids


def members(conn: Connection, f: Filter, d: Drill) -> Select:
    stmt = people_of(member_ids(conn, f, d))
    if d.bucket is not None:
        stmt = stmt.where(bucket_condition(d.bucket, f.as_of))
    return stmt


def volunteer_ids(conn: Connection, f: Filter, d: Drill) -> Select:
    ids = (select(VolunteerMembership.person_id)
           .join(VolunteerTeam, VolunteerTeam.id == VolunteerMembership.team_id).where(*volunteer_scope(f)))
    code = street_code(conn, d)
    if code is not None:
        ids = ids.where(VolunteerTeam.street_code == code)
    if d.team is not None:
        ids = ids.where(VolunteerTeam.id == d.team)
    if d.team_name is not None:
        # the chart counts teams by name: two teams of one name are one bar
        ids = ids.where(VolunteerTeam.name == d.team_name)
    return ids


def volunteers(conn: Connection, f: Filter, d: Drill) -> Select:
    return people_of(volunteer_ids(conn, f, d))


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``YYYY-MM``."""
    year, mon = int(month[:4]), int(month[5:])
    first = dt.date(year, mon, 1)
    following = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def activity_conditions(conn: Connection, d: Drill) -> list:
    """The selectors that narrow activities within activity_scope (street, category, month, site, activity)."""
    cond = []
    code = street_code(conn, d)
    if code is not None:
        cond.append(Activity.street_code == code)
    if d.category is not None:
        cond.append(Activity.category == d.category)
    if d.month is not None:
        first, last = month_range(d.month)
        cond += [Activity.date >= first, Activity.date <= last]
    if d.site is not None:
        cond.append(Activity.site_id == d.site)
    if d.activity is not None:
        cond.append(Activity.id == d.activity)
    return cond


def participant_ids(conn: Connection, f: Filter, d: Drill) -> Select:
    return (select(Participation.person_id).join(Activity, Activity.id == Participation.activity_id)
            .where(*activity_scope(f), *activity_conditions(conn, d)))


def participants(conn: Connection, f: Filter, d: Drill) -> Select:
    return people_of(participant_ids(conn, f, d))


def talent(conn: Connection, f: Filter, d: Drill) -> Select:
    """银发人才库: the people talent_pool() counts, with their fields and willingness."""
    cond = talent_people(f)
    code = street_code(conn, d)
    if code is not None:
        cond.append(Person.street_code == code)
    if d.skill is not None:
        # a field is a whole word between separators: 、X、 inside the separated list
        sep = vocab.MULTI_SEPARATOR
        cond.append((sep + Person.skills + sep).contains(sep + d.skill + sep, autoescape=True))
    willing = case((Person.willing.is_(True), "是"), (Person.willing.is_(False), "否"), else_="")
    return (people_of(select(Person.id).where(*cond))
            .add_columns(Person.skills.label("skills"), willing.label("willing")))


TALENT_COLUMNS = (*COLUMNS, Column("skills", "特长领域"), Column("willing", "愿意参加志愿服务"))

KINDS = (
    Kind("talent", "银发人才库人员", TALENT_COLUMNS, ("code", "name"), "code", talent),
    Kind("members", "党员", COLUMNS, ("code", "name"), "code", members),
    Kind("volunteers", "志愿者", COLUMNS, ("code", "name"), "code", volunteers),
    Kind("participants", "活动参与人员", COLUMNS, ("code", "name"), "code", participants, dated=True),
)
