"""The data behind each chart, table and map panel (plain rows, no figures)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from dashboard import vocab
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import activity_scope, in_force, member_scope, run, site_scope, volunteer_scope
from dashboard.schema import (
    Activity,
    Honour,
    Membership,
    Organisation,
    Person,
    Site,
    Street,
    VolunteerMembership,
    VolunteerTeam,
)


@dataclass(frozen=True)
class StreetRow:
    code: str
    name: str
    kind: str
    lon: float
    lat: float


def _streets(_f: None) -> Select:
    return select(Street.code, Street.name, Street.kind, Street.lon, Street.lat).order_by(Street.code)


def streets(conn: Connection) -> list[StreetRow]:
    """Every street, by code: read several times a filter change (scopes, names), so on the cursor."""
    return [StreetRow(*r) for r in run(conn, _streets, None)]


@dataclass(frozen=True)
class BranchOption:
    id: int
    name: str
    kind: str
    street_code: str


def branch_options(conn: Connection, street_codes: tuple[str, ...] = (), as_of: dt.date | None = None) -> list[BranchOption]:
    """Party organisations in force on the day, within the streets if any are given."""
    stmt = select(Organisation.id, Organisation.name, Organisation.kind, Organisation.street_code)
    if as_of is not None:
        stmt = stmt.where(in_force(Organisation.founded_on, Organisation.dissolved_on, as_of))
    if street_codes:
        stmt = stmt.where(Organisation.street_code.in_(street_codes))
    return [BranchOption(*r) for r in conn.execute(stmt.order_by(Organisation.kind, Organisation.name))]


@dataclass(frozen=True)
class SiteRow:
    id: int
    code: str
    name: str
    type: str
    street_code: str
    street_name: str
    community: str | None
    lon: float
    lat: float
    co_built: bool
    standardised: bool
    opened_on: dt.date


def sites(conn: Connection, f: Filter) -> list[SiteRow]:
    """Sites open on the as-of day, in the filter's streets."""
    rows = conn.execute(
        select(Site.id, Site.code, Site.name, Site.type, Site.street_code, Street.name, Site.community,
               Site.lon, Site.lat, Site.co_built, Site.standardised, Site.opened_on)
        .join(Street, Street.code == Site.street_code)
        .where(*site_scope(f))
        .order_by(Site.type, Site.name)
    )
    return [SiteRow(*r) for r in rows]


def sites_by_street(conn: Connection, f: Filter) -> list[tuple[str, str, str, int]]:
    """(street code, street name, site type, count) for sites open on the day."""
    return [tuple(r) for r in conn.execute(
        select(Site.street_code, Street.name, Site.type, func.count())
        .join(Street, Street.code == Site.street_code)
        .where(*site_scope(f))
        .group_by(Site.street_code, Street.name, Site.type)
        .order_by(Site.street_code)
    )]


def activities_by_month(conn: Connection, f: Filter) -> list[tuple[str, str, int]]:
    """(YYYY-MM, category, count) over the period."""
    counts: dict[tuple[str, str], int] = {}
    for day, category, n in conn.execute(
        select(Activity.date, Activity.category, func.count())
        .where(*activity_scope(f)).group_by(Activity.date, Activity.category)
    ):
        key = (f"{day.year:04d}-{day.month:02d}", category)
        counts[key] = counts.get(key, 0) + n
    return sorted((m, c, n) for (m, c), n in counts.items())


def volunteers_by_team(conn: Connection, f: Filter) -> list[tuple[str, int]]:
    """(team name, distinct volunteers) for teams in force on the day, largest first."""
    rows = conn.execute(
        select(VolunteerTeam.name, func.count(distinct(VolunteerMembership.person_id)))
        .join(VolunteerMembership, VolunteerMembership.team_id == VolunteerTeam.id)
        .where(*volunteer_scope(f))
        .group_by(VolunteerTeam.name)
    )
    return sorted(((name, n) for name, n in rows), key=lambda r: (-r[1], r[0]))


AGE_BANDS = ((0, 64, "≤64岁"), (65, 74, "65–74岁"), (75, 84, "75–84岁"), (85, 200, "≥85岁"))


@dataclass(frozen=True)
class MemberStructure:
    by_cadre_type: dict[str, int]
    by_age_band: dict[str, int]
    by_gender: dict[str, int]


def member_structure(conn: Connection, f: Filter) -> MemberStructure:
    """The party members counted by ``party_members``, by 离休/退休, age band on the day, gender."""
    members = (
        select(Membership.person_id)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(*member_scope(f))
    )
    return structure_of(conn, members, f.as_of)


def structure_of(conn: Connection, ids, as_of: dt.date) -> MemberStructure:
    """The people whose id ``ids`` selects, by 离休/退休, age band on the day (by birth year), gender."""
    rows = conn.execute(
        select(Person.cadre_type, Person.gender, Person.birth_year, func.count())
        .where(Person.id.in_(ids))
        .group_by(Person.cadre_type, Person.gender, Person.birth_year)
    )
    cadre = {t: 0 for t in vocab.CADRE_TYPES}
    bands = {label: 0 for _, _, label in AGE_BANDS}
    gender = {g: 0 for g in vocab.GENDERS}
    for cadre_type, sex, birth_year, n in rows:
        cadre[cadre_type] = cadre.get(cadre_type, 0) + n
        gender[sex] = gender.get(sex, 0) + n
        age = as_of.year - birth_year
        label = next(lb for lo, hi, lb in AGE_BANDS if lo <= age <= hi)
        bands[label] += n
    return MemberStructure(cadre, bands, gender)


def four_in_one(conn: Connection, f: Filter) -> dict[str, dict[str, bool]]:
    """{street name: {area: covered?}} for the filter's streets (all when none chosen)."""
    site_rows = conn.execute(
        select(Street.name, Site.type).join(Site, Site.street_code == Street.code).where(*site_scope(f)).distinct()
    ).all()
    activity_rows = conn.execute(
        select(Street.name, Activity.category).join(Activity, Activity.street_code == Street.code)
        .where(*activity_scope(f)).distinct()
    ).all()
    wanted = f.site_streets
    names = [s.name for s in streets(conn) if not wanted or s.code in wanted]
    out = {name: {area: False for area in vocab.FOUR_IN_ONE} for name in names}
    for area, rule in vocab.FOUR_IN_ONE.items():
        for name, site_type in site_rows:
            if site_type in rule["sites"] and name in out:
                out[name][area] = True
        for name, category in activity_rows:
            if category in rule["categories"] and name in out:
                out[name][area] = True
    return out


@dataclass(frozen=True)
class ActivityRow:
    date: dt.date
    category: str
    name: str
    street_name: str
    participants: int
    id: int | None = None  # the activity's id: a row's drill lists its sign-ins (dashboard.records)


def latest_activities(conn: Connection, f: Filter, limit: int = 10) -> list[ActivityRow]:
    rows = conn.execute(
        select(Activity.date, Activity.category, Activity.name, Street.name, Activity.participants, Activity.id)
        .join(Street, Street.code == Activity.street_code)
        .where(*activity_scope(f))
        .order_by(Activity.date.desc(), Activity.id.desc())
        .limit(limit)
    )
    return [ActivityRow(*r) for r in rows]


def honours(conn: Connection, f: Filter, limit: int = 10) -> list[tuple[dt.date, str, str]]:
    """(day, title, recipient): honours on or before the as-of day, newest first (district-wide)."""
    return [tuple(r) for r in conn.execute(
        select(Honour.awarded_on, Honour.title, Honour.recipient)
        .where(Honour.awarded_on <= f.as_of).order_by(Honour.awarded_on.desc()).limit(limit)
    )]
