"""关心照顾 (care): who counts as a cadre on a day, who was contacted, birthdays, age structure.

**A cadre on day D** is a person of the 人员 ledger with, on D, a party membership (组织关系) in
force in an organisation in force, or a volunteer-team membership (志愿者) in force in a team in
force. The 人员 sheet has no end date: a cadre who dies or moves away is recorded by ending those
memberships (转出/退出日期), so from that day on they are no longer counted; one who has no such
link at all (not yet retired, or never in a branch or team) is not counted either.

**Street**: a cadre's home street (居住街道); without one, the streets of their organisations and
teams in force on D (as the ledger's street scope has it). **Branch**: the members in force of
the branch and those below it, as ``party_members`` counts them.

**Contacted in the last N days**: a 走访慰问记录 row dated in [D − N, D], both ends included: a
contact exactly N days ago still counts, one N + 1 days ago does not.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, Select

from dashboard import vocab
from dashboard.indicators.breakdowns import MemberStructure, structure_of
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import active_orgs, member_scope, volunteer_scope
from dashboard.schema import Contact, Membership, Organisation, Person, Street, VolunteerMembership, VolunteerTeam

DEFAULT_CONTACT_DAYS = 90  # the default of DASHBOARD_CONTACT_DAYS (dashboard/settings.py)


def _district(f: Filter) -> Filter:
    return replace(f, streets=(), branch_id=None, org_ids=(), branch_street=None, branch_name=None)


def links_on(f: Filter) -> Select:
    """(person id, street) of every membership and team membership in force on the as-of day, district-wide."""
    d = _district(f)
    return union_all(
        select(Membership.person_id.label("person_id"), Organisation.street_code.label("street_code"))
        .join(Organisation, Organisation.id == Membership.org_id).where(*member_scope(d)),
        select(VolunteerMembership.person_id.label("person_id"), VolunteerTeam.street_code.label("street_code"))
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerMembership.team_id).where(*volunteer_scope(d)),
    )


def in_streets(streets: tuple[str, ...], links) -> ColumnElement:
    """A person lives in one of the streets, or has no home street and a link in force there."""
    return or_(Person.street_code.in_(streets),
               and_(Person.street_code.is_(None),
                    Person.id.in_(select(links.c.person_id).where(links.c.street_code.in_(streets)))))


def cadre_ids(f: Filter) -> Select:
    """The ids of the cadres on the as-of day in the filter (see the module's doc)."""
    if f.branch_id is not None:
        return select(Membership.person_id).join(Organisation, Organisation.id == Membership.org_id).where(*member_scope(f))
    links = links_on(f).subquery()
    if not f.streets:
        return select(links.c.person_id)
    return select(Person.id).where(Person.id.in_(select(links.c.person_id)), in_streets(f.streets, links))


def contacted_ids(as_of: dt.date, days: int) -> Select:
    """People with a contact in [as_of − days, as_of]."""
    return select(Contact.person_id).where(Contact.date >= as_of - dt.timedelta(days=days), Contact.date <= as_of)


def focus_condition(as_of: dt.date) -> ColumnElement:
    """A 重点关爱对象 on the day: a 离休干部, aged 90 or more (by birth year), or 失能半失能."""
    return or_(Person.cadre_type == vocab.CARE_FOCUS_CADRE, Person.birth_year <= as_of.year - vocab.CARE_FOCUS_AGE,
               Person.health.in_(vocab.CARE_FOCUS_HEALTH))


def ledger_start() -> ColumnElement:
    """The first day of the 走访慰问记录: the earliest contact in the store (None without any)."""
    return select(func.min(Contact.date)).scalar_subquery()


def overdue_condition(as_of: dt.date, days: int) -> ColumnElement:
    """A 重点关爱对象 not contacted for more than ``days``: no contact in the window, and either a
    contact before it or, never contacted, a cadre for more than ``days`` counted from the later of
    their first link and the ledger's first contact (a bureau that begins its 走访慰问记录 today does
    not find all its cadres overdue since they retired; one that keeps none finds nobody overdue).

    Each test looks up the person's own rows (EXISTS, by the person's indexes): the few 重点关爱对象
    are found first, rather than every person's contacts and links being summed up for them."""
    cutoff = as_of - dt.timedelta(days=days)
    mine = Contact.person_id == Person.id
    return and_(
        focus_condition(as_of),
        ~exists().where(mine, Contact.date >= cutoff, Contact.date <= as_of),
        or_(exists().where(mine, Contact.date < cutoff),
            and_(ledger_start() < cutoff,
                 or_(exists().where(Membership.person_id == Person.id, Membership.joined_on < cutoff),
                     exists().where(VolunteerMembership.person_id == Person.id, VolunteerMembership.joined_on < cutoff)))),
    )


def last_contact(as_of: dt.date) -> ColumnElement:
    """A person's last contact on or before the day (None if never), looked up by the person's index."""
    return (select(func.max(Contact.date)).where(Contact.person_id == Person.id, Contact.date <= as_of)
            .correlate(Person).scalar_subquery())


def first_link_parts(as_of: dt.date) -> tuple[ColumnElement, ColumnElement]:
    """A person's first membership and first team membership begun on or before the day (each None
    if none): the earlier of the two is the day they became a cadre."""
    return (select(func.min(Membership.joined_on)).where(Membership.person_id == Person.id, Membership.joined_on <= as_of)
            .correlate(Person).scalar_subquery(),
            select(func.min(VolunteerMembership.joined_on))
            .where(VolunteerMembership.person_id == Person.id, VolunteerMembership.joined_on <= as_of)
            .correlate(Person).scalar_subquery())


@dataclass(frozen=True)
class ContactRow:
    """One street's or branch's cadres and how many were contacted, on D and a year before."""
    key: str              # a street code, or a branch id as text
    name: str
    street_code: str
    cadres: int
    contacted: int
    cadres_year_ago: int
    contacted_year_ago: int

    @property
    def share(self) -> float | None:
        return self.contacted / self.cadres if self.cadres else None

    @property
    def share_year_ago(self) -> float | None:
        return self.contacted_year_ago / self.cadres_year_ago if self.cadres_year_ago else None


@dataclass(frozen=True)
class ContactShare:
    """Cadres contacted in the last ``days`` days, in the filter, by street and by 党支部."""
    days: int
    total: ContactRow
    by_street: tuple[ContactRow, ...]
    by_branch: tuple[ContactRow, ...]


def _street_sets(conn: Connection, f: Filter) -> dict[int, frozenset[str]]:
    """Each cadre of the filter and the streets they count in (home, else their links')."""
    ids = cadre_ids(f).subquery()
    homes = dict(conn.execute(select(Person.id, Person.street_code).where(Person.id.in_(select(ids)))).all())
    out = {pid: frozenset((home,)) for pid, home in homes.items() if home}
    homeless = [pid for pid, home in homes.items() if not home]
    if homeless:
        links = links_on(f).subquery()
        found: dict[int, set[str]] = {}
        for pid, street in conn.execute(select(links.c.person_id, links.c.street_code)
                                        .where(links.c.person_id.in_(homeless))):
            found.setdefault(pid, set()).add(street)
        out.update({pid: frozenset(found.get(pid, ())) for pid in homeless})
    return out


def _branches(conn: Connection, f: Filter) -> dict[int, tuple[str, str, set[int]]]:
    """党支部 in force in the filter: id → (name, street, member ids in force)."""
    out: dict[int, tuple[str, str, set[int]]] = {}
    for oid, name, street, pid in conn.execute(
        select(Organisation.id, Organisation.name, Organisation.street_code, Membership.person_id)
        .outerjoin(Membership, and_(Membership.org_id == Organisation.id,
                                    Membership.joined_on <= f.as_of,
                                    or_(Membership.left_on.is_(None), Membership.left_on > f.as_of)))
        .where(Organisation.level == vocab.BRANCH_LEVEL, *active_orgs(f))
    ):
        entry = out.setdefault(oid, (name, street, set()))
        if pid is not None:
            entry[2].add(pid)
    return out


def _contacted(conn: Connection, f: Filter, days: int) -> set[int]:
    return set(conn.execute(contacted_ids(f.as_of, days).where(Contact.person_id.in_(cadre_ids(f))).distinct())
               .scalars())


def contact_share(conn: Connection, f: Filter, days: int = DEFAULT_CONTACT_DAYS) -> ContactShare:
    """The share of cadres contacted in the last ``days`` days, per street (the filter's streets,
    all when none) and per 党支部, on D and on the same day a year before."""
    names = dict(conn.execute(select(Street.code, Street.name)).all())
    ago = f.year_ago()
    now_sets, ago_sets = _street_sets(conn, f), _street_sets(conn, ago)
    now_hit, ago_hit = _contacted(conn, f, days), _contacted(conn, ago, days)
    wanted = f.streets or tuple(sorted(names))
    streets = []
    for code in wanted:
        now = [p for p, s in now_sets.items() if code in s]
        then = [p for p, s in ago_sets.items() if code in s]
        streets.append(ContactRow(code, names.get(code, code), code, len(now), sum(p in now_hit for p in now),
                                  len(then), sum(p in ago_hit for p in then)))
    branches = []
    now_b, ago_b = _branches(conn, f), _branches(conn, ago)
    for oid, (name, street, members) in now_b.items():
        then = ago_b.get(oid, ("", "", set()))[2]
        branches.append(ContactRow(str(oid), name, street, len(members), len(members & now_hit),
                                   len(then), len(then & ago_hit)))
    total = ContactRow("", "合计", "", len(now_sets), len(now_hit), len(ago_sets), len(ago_hit))
    return ContactShare(days, total, tuple(streets), tuple(sorted(branches, key=lambda r: (r.street_code, r.name))))


def age_on(birth_year: int, as_of: dt.date) -> int:
    """Age on the day by birth year, as the member structure counts it."""
    return as_of.year - birth_year


def cadre_structure(conn: Connection, f: Filter) -> MemberStructure:
    """All cadres on D in the filter (not only party members): 离休/退休, age band, gender."""
    return structure_of(conn, cadre_ids(f), f.as_of)


@dataclass(frozen=True)
class BirthdayRow:
    person_id: int
    name: str
    gender: str
    cadre_type: str
    birth_date: dt.date
    age: int              # the age the birthday of this year brings
    street_code: str | None
    round: bool           # 80, 90 or 100: a 寿辰
    visited: bool         # a 生日祝寿 contact in the birthday's month


@dataclass(frozen=True)
class Birthdays:
    """The cadres on D (in the filter) whose birthday falls in D's month, by day; ``undated``
    counts the cadres without a 出生日期, whose birthday is not known."""
    year: int
    month: int
    rows: tuple[BirthdayRow, ...]
    undated: int


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def birthday_condition(as_of: dt.date, only_round: bool = False) -> ColumnElement:
    """A person whose birthday is in the as-of month (and, ``only_round``, turns 80, 90 or 100)."""
    cond = [Person.birth_date.is_not(None), func.extract("month", Person.birth_date) == as_of.month]
    if only_round:
        cond.append(Person.birth_year.in_([as_of.year - age for age in vocab.ROUND_BIRTHDAYS]))
    return and_(*cond)


def birthdays(conn: Connection, f: Filter) -> Birthdays:
    first, last = month_of(f.as_of)
    visited = select(Contact.person_id).where(Contact.kind == vocab.BIRTHDAY_VISIT, Contact.date >= first,
                                             Contact.date <= last)
    rows = conn.execute(
        select(Person.id, Person.name, Person.gender, Person.cadre_type, Person.birth_date, Person.birth_year,
               Person.street_code, Person.id.in_(visited))
        .where(Person.id.in_(cadre_ids(f)), birthday_condition(f.as_of))
    ).all()
    undated = conn.execute(select(func.count()).select_from(Person)
                           .where(Person.id.in_(cadre_ids(f)), Person.birth_date.is_(None))).scalar_one()
    out = []
    for pid, name, gender, cadre_type, born, year, street, seen in rows:
        age = age_on(year, f.as_of)
        out.append(BirthdayRow(pid, name, gender, cadre_type, born, age, street, age in vocab.ROUND_BIRTHDAYS,
                               bool(seen)))
    out.sort(key=lambda r: (r.birth_date.day, -r.age, r.person_id))
    return Birthdays(f.as_of.year, f.as_of.month, tuple(out), undated)
