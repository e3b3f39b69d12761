"""What the volunteers give (作用发挥): service hours and person-times, and the 银发人才库.

Volunteer service is an activity held by a volunteer team, or one of the 四位一体's 志愿服务
categories (:data:`dashboard.vocab.VOLUNTEER_CATEGORIES`), dated in the period, within the filter
(:func:`~dashboard.indicators.kpi.activity_scope`). Its person-times (人次) are its 参与人数 and its
hours (志愿服务时长) are 参与人数 × 时长小时: the ledger records how many took part and for how
long, not how many people were served.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from dashboard import vocab
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import activity_scope, team_scope
from dashboard.schema import Activity, Person, Street, VolunteerTeam


@dataclass(frozen=True)
class Service:
    """Service of one team, street or month: activities, person-times and hours."""
    key: str
    label: str
    activities: int = 0
    person_times: int = 0
    hours: float = 0.0
    street: str = ""  # a team's street name


@dataclass(frozen=True)
class VolunteerService:
    """The period's volunteer service: in all, by month (every month of the period, oldest
    first), by street (every street in scope) and by team (the teams in force on the as-of day in
    scope, and any team that served in the period; most hours first)."""
    total: Service
    by_month: tuple[Service, ...]
    by_street: tuple[Service, ...]
    by_team: tuple[Service, ...]


def volunteer_condition():
    return or_(Activity.team_id.is_not(None), Activity.category.in_(vocab.VOLUNTEER_CATEGORIES))


def months_of(start: dt.date, end: dt.date) -> list[str]:
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def volunteer_service(conn: Connection, f: Filter) -> VolunteerService:
    rows = conn.execute(
        select(Activity.date, Activity.street_code, Activity.team_id, func.count(),
               func.coalesce(func.sum(Activity.participants), 0),
               func.coalesce(func.sum(Activity.participants * Activity.hours), 0.0))
        .where(*activity_scope(f), volunteer_condition())
        .group_by(Activity.date, Activity.street_code, Activity.team_id)
    ).all()
    wanted = f.site_streets
    streets = conn.execute(select(Street.code, Street.name).order_by(Street.code)).all()
    street_names = dict(streets)
    teams = {tid: (name, street_names.get(code, "")) for tid, name, code in conn.execute(
        select(VolunteerTeam.id, VolunteerTeam.name, VolunteerTeam.street_code).where(
            or_(and_(*team_scope(f)), VolunteerTeam.id.in_({r[2] for r in rows if r[2] is not None}))))}

    sums: dict[tuple[str, object], list] = {}

    def add(kind: str, key: object, n: int, people: int, hours: float) -> None:
        acc = sums.setdefault((kind, key), [0, 0, 0.0])
        acc[0] += n
        acc[1] += int(people)
        acc[2] += float(hours)

    for day, street, team, n, people, hours in rows:
        add("all", None, n, people, hours)
        add("month", f"{day.year:04d}-{day.month:02d}", n, people, hours)
        add("street", street, n, people, hours)
        if team is not None:
            add("team", team, n, people, hours)

    def service(kind: str, key: object, label: str, street: str = "") -> Service:
        n, people, hours = sums.get((kind, key), (0, 0, 0.0))
        return Service(str(key), label, n, people, round(hours, 1), street)

    by_team = sorted((service("team", tid, name, street) for tid, (name, street) in teams.items()),
                     key=lambda s: (-s.hours, -s.person_times, s.label))
    return VolunteerService(
        total=service("all", None, "合计"),
        by_month=tuple(service("month", m, m) for m in months_of(f.start, f.end)),
        by_street=tuple(service("street", code, name) for code, name in streets if not wanted or code in wanted),
        by_team=tuple(by_team),
    )


@dataclass(frozen=True)
class TalentPool:
    """银发人才库: per field (in vocabulary order), the cadres who filed it and how many of them are
    willing to serve; ``people`` and ``willing`` count each cadre once."""
    by_field: tuple[tuple[str, int, int], ...]
    people: int
    willing: int


def talent_people(f: Filter):
    """The people of the talent pool: the cadres on the as-of day in the filter (as the care
    figures count them, :func:`dashboard.indicators.care.cadre_ids`) who filed a skill."""
    from dashboard.indicators.care import cadre_ids

    return [Person.skills.is_not(None), Person.skills != "", Person.id.in_(cadre_ids(f))]


def talent_pool(conn: Connection, f: Filter) -> TalentPool:
    counts = {name: [0, 0] for name in vocab.TALENT_FIELDS}
    people = willing = 0
    for skills, is_willing, n in conn.execute(
        select(Person.skills, Person.willing, func.count()).where(*talent_people(f))
        .group_by(Person.skills, Person.willing)
    ):
        people += n
        willing += n if is_willing else 0
        for name in skills.split(vocab.MULTI_SEPARATOR):
            if name in counts:
                counts[name][0] += n
                counts[name][1] += n if is_willing else 0
    return TalentPool(tuple((name, a, w) for name, (a, w) in counts.items()), people, willing)
