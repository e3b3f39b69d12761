"""The KPI figures (one SQL statement each) and their year-ago twins."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from sqlalchemy import Date, DateTime, Integer, String, and_, bindparam, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import ColumnElement, Select

from dashboard import vocab
from dashboard.indicators.filters import Filter
from dashboard.schema import (
    Activity,
    Membership,
    NewsletterIssue,
    OralHistoryInterview,
    Organisation,
    Participation,
    Problem,
    Site,
    VolunteerMembership,
    VolunteerTeam,
)


def in_force(start: ColumnElement, end: ColumnElement, day: dt.date) -> ColumnElement:
    """The half-open interval rule: begun on or before ``day`` and not yet ended on it."""
    return and_(start <= day, or_(end.is_(None), end > day))


def org_scope(f: Filter) -> list[ColumnElement]:
    """Organisations of the filter's streets and branch tree (any day). Public: the record
    lists (dashboard.records) reuse every scope here, so that their counts equal the figures."""
    cond = []
    if f.streets:
        cond.append(Organisation.street_code.in_(f.streets))
    if f.branch_id is not None:
        cond.append(Organisation.id.in_(f.org_ids))
    return cond


def active_orgs(f: Filter) -> list[ColumnElement]:
    """Organisations in scope and in force on the as-of day."""
    return [in_force(Organisation.founded_on, Organisation.dissolved_on, f.as_of), *org_scope(f)]


def team_scope(f: Filter) -> list[ColumnElement]:
    """Volunteer teams in force on the as-of day, of the filter's streets and led by its branch tree."""
    cond = [in_force(VolunteerTeam.founded_on, VolunteerTeam.dissolved_on, f.as_of)]
    if f.streets:
        cond.append(VolunteerTeam.street_code.in_(f.streets))
    if f.branch_id is not None:
        cond.append(VolunteerTeam.org_id.in_(f.org_ids))
    return cond


def site_scope(f: Filter) -> list[ColumnElement]:
    """Sites open on the as-of day in the filter's site streets."""
    cond = [in_force(Site.opened_on, Site.closed_on, f.as_of)]
    if f.site_streets:
        cond.append(Site.street_code.in_(f.site_streets))
    return cond


def activity_scope(f: Filter) -> list[ColumnElement]:
    """Activities dated within the period, of the filter's streets and held by its branch tree."""
    cond = [Activity.date >= f.start, Activity.date <= f.end]
    if f.streets:
        cond.append(Activity.street_code.in_(f.streets))
    if f.branch_id is not None:
        cond.append(Activity.org_id.in_(f.org_ids))
    return cond


def member_scope(f: Filter) -> list[ColumnElement]:
    """Memberships in force on the as-of day in an organisation of :func:`active_orgs` (join Organisation)."""
    return [in_force(Membership.joined_on, Membership.left_on, f.as_of), *active_orgs(f)]


def volunteer_scope(f: Filter) -> list[ColumnElement]:
    """Team memberships in force on the as-of day in a team of :func:`team_scope` (join VolunteerTeam)."""
    return [in_force(VolunteerMembership.joined_on, VolunteerMembership.left_on, f.as_of), *team_scope(f)]


def branches_stmt(f: Filter) -> Select:
    return select(
        func.count(),
        func.coalesce(func.sum(case((Organisation.kind == vocab.ESTABLISHED, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Organisation.kind == vocab.FUNCTIONAL, 1), else_=0)), 0),
    ).where(Organisation.level == vocab.BRANCH_LEVEL, *active_orgs(f))


def members_stmt(f: Filter) -> Select:
    return (
        select(func.count(func.distinct(Membership.person_id)))
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(*member_scope(f))
    )


def teams_stmt(f: Filter) -> Select:
    return select(func.count()).select_from(VolunteerTeam).where(*team_scope(f))


def volunteers_stmt(f: Filter) -> Select:
    return (
        select(func.count(func.distinct(VolunteerMembership.person_id)))
        .join(VolunteerTeam, VolunteerTeam.id == VolunteerMembership.team_id)
        .where(*volunteer_scope(f))
    )


def sites_by_type_stmt(f: Filter) -> Select:
    return (
        select(
            Site.type,
            func.count(),
            func.coalesce(func.sum(case((Site.co_built, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Site.standardised, 1), else_=0)), 0),
        )
        .where(*site_scope(f))
        .group_by(Site.type)
    )


def activities_stmt(f: Filter) -> Select:
    return select(Activity.category, func.count()).where(*activity_scope(f)).group_by(Activity.category)


def participants_stmt(f: Filter) -> Select:
    return (
        select(func.count(func.distinct(Participation.person_id)))
        .join(Activity, Activity.id == Participation.activity_id)
        .where(*activity_scope(f))
    )


def newsletter_scope(f: Filter) -> list[ColumnElement]:
    return [NewsletterIssue.published_on <= f.as_of]


def interview_scope(f: Filter) -> list[ColumnElement]:
    return [OralHistoryInterview.interviewed_on <= f.as_of]


def solved_scope(f: Filter) -> list[ColumnElement]:
    return [Problem.solved_on.is_not(None), Problem.solved_on <= f.as_of]


def report_records_stmt(f: Filter) -> Select:
    """District-wide cumulative records (newsletter, 红色记忆, problems solved) as of the day."""
    return select(
        select(func.count()).where(*newsletter_scope(f)).scalar_subquery(),
        select(func.count(func.distinct(OralHistoryInterview.interviewee)))
        .where(*interview_scope(f)).scalar_subquery(),
        select(func.count()).where(*solved_scope(f)).scalar_subquery(),
    )


@dataclass(frozen=True)
class KpiValues:
    """All KPI values for one filter at one as-of day."""
    active_branches: int
    established_branches: int
    functional_branches: int
    party_members: int
    volunteer_teams: int
    volunteers: int
    education_bases: int
    co_built_sites: int
    standardised_shared_rooms: int
    activities: int
    participants: int
    newsletter_issues: int
    oral_history_interviewees: int
    problems_solved: int
    sites_by_type: dict[str, int] = field(default_factory=dict)
    activities_by_category: dict[str, int] = field(default_factory=dict)


KPI_KEYS = (
    "active_branches", "established_branches", "functional_branches", "party_members",
    "volunteer_teams", "volunteers", "education_bases", "co_built_sites",
    "standardised_shared_rooms", "activities", "participants", "newsletter_issues",
    "oral_history_interviewees", "problems_solved",
)


def _shape(f: Filter | None) -> tuple | None:
    """What a statement's text depends on: how many streets and organisations, and which of the
    branch's fields are set. The days and codes themselves are bound as parameters."""
    if f is None:
        return None
    return len(f.streets), f.branch_id is not None, len(f.org_ids), f.branch_street is not None


def _template(shape: tuple | None) -> Filter | None:
    """A filter of ``shape`` whose every value is a bound parameter (named as in :func:`_values`)."""
    if shape is None:
        return None
    n_streets, branch, n_orgs, branch_street = shape
    day = lambda name: bindparam(name, type_=Date())  # noqa: E731
    return Filter(as_of=day("as_of"), start=day("start"), end=day("end"),
                  streets=tuple(bindparam(f"street_{i}", type_=String()) for i in range(n_streets)),
                  branch_id=bindparam("branch_id", type_=Integer()) if branch else None,
                  org_ids=tuple(bindparam(f"org_{i}", type_=Integer()) for i in range(n_orgs)),
                  branch_street=bindparam("branch_street", type_=String()) if branch_street else None)


def _values(f: Filter | None) -> dict:
    if f is None:
        return {}
    return {"as_of": f.as_of, "start": f.start, "end": f.end, "branch_id": f.branch_id,
            "branch_street": f.branch_street, **{f"street_{i}": s for i, s in enumerate(f.streets)},
            **{f"org_{i}": o for i, o in enumerate(f.org_ids)}}


@dataclass(frozen=True)
class _Prepared:
    """A statement's text for one dialect and filter shape, its own constants as the driver
    takes them, and how to turn a filter's values into the rest of its parameters."""
    sql: str
    constants: dict
    processors: dict  # parameter name → the dialect's bind processor (or None) for a filter value
    results: tuple | None = None  # per column, a result processor (SQLite's dates are text) or None; None: none at all


@lru_cache(maxsize=1024)
def _prepared(dialect_name: str, build: Callable[[Filter], Select], shape: tuple) -> _Prepared:
    """``build`` compiled once per dialect and filter shape: a filter change with a new day or
    street reuses the text (building and compiling a statement costs more than SQLite running
    it), and PostgreSQL keeps the prepared plan. The builders use a filter's values only as SQL
    values (compared, listed in IN), never in Python: tests/dashboard/test_indicators.py checks
    each against the same statement with its values written in."""
    dialect = _DIALECTS[dialect_name]
    template = _template(shape)
    compiled = build(template).compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    names = set(_values(template))
    constants, processors = {}, {}
    for bind, name in compiled.bind_names.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if name in names:
            processors[name] = process
        else:
            value = compiled.params[name]
            constants[name] = process(value) if process else value
    # SQLite gives dates as text: its dialect's processors make them dates, as SQLAlchemy's own
    # execution does (PostgreSQL's driver gives dates; other types come as the driver gives them)
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                    if dialect_name == "sqlite" and isinstance(c.type, Date | DateTime) else None
                    for c in compiled.statement.selected_columns)
    return _Prepared(str(compiled), constants, processors, results if any(results) else None)


_DIALECTS = {"sqlite": sqlite.dialect(paramstyle="named"), "postgresql": postgresql.dialect(paramstyle="pyformat")}


def run(conn: Connection, build: Callable[[Filter], Select], f: Filter | None) -> list[tuple]:
    """Run one indicator statement straight on the DBAPI cursor: the KPI queries are small and
    many, and SQLAlchemy's per-call work would otherwise cost more than the query itself; 四就近's
    reads are large, and its per-row objects would cost more than the reading. ``f`` None:
    a statement that no filter changes (read as often as the street list)."""
    prepared = _prepared(conn.dialect.name, build, _shape(f))
    values = _values(f)
    params = dict(prepared.constants)
    for name, process in prepared.processors.items():
        params[name] = process(values[name]) if process else values[name]
    cursor = conn.connection.driver_connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            cursor.execute(prepared.sql, params, prepare=True)
        else:
            cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if prepared.results is None:
        return rows
    return [tuple(p(v) if p else v for p, v in zip(prepared.results, row, strict=True)) for row in rows]


def kpi_values(conn: Connection, f: Filter) -> KpiValues:
    (branches, established, functional), = run(conn, branches_stmt, f)
    by_type = {t: 0 for t in vocab.SITE_TYPES}
    co_built = standardised_rooms = 0
    for site_type, n, n_co, n_std in run(conn, sites_by_type_stmt, f):
        by_type[site_type] = n
        co_built += n_co
        if site_type == vocab.SHARED_ROOM:
            standardised_rooms = n_std
    by_category = {c: 0 for c in vocab.ACTIVITY_CATEGORIES}
    for category, n in run(conn, activities_stmt, f):
        by_category[category] = n
    (newsletters, interviewees, problems), = run(conn, report_records_stmt, f)
    return KpiValues(
        active_branches=branches,
        established_branches=established,
        functional_branches=functional,
        party_members=run(conn, members_stmt, f)[0][0],
        volunteer_teams=run(conn, teams_stmt, f)[0][0],
        volunteers=run(conn, volunteers_stmt, f)[0][0],
        education_bases=by_type[vocab.EDUCATION_BASE],
        co_built_sites=co_built,
        standardised_shared_rooms=standardised_rooms,
        activities=sum(by_category.values()),
        participants=run(conn, participants_stmt, f)[0][0],
        newsletter_issues=newsletters,
        oral_history_interviewees=interviewees,
        problems_solved=problems,
        sites_by_type=by_type,
        activities_by_category=by_category,
    )


@dataclass(frozen=True)
class Kpis:
    """The figures for a filter and the same figures a year before its as-of day."""
    filter: Filter
    now: KpiValues
    year_ago: KpiValues

    def to_json(self) -> dict:
        f = self.filter
        out: dict = {
            "as_of": f.as_of.isoformat(),
            "period": {"from": f.start.isoformat(), "to": f.end.isoformat()},
            "streets": list(f.streets),
            "branch_id": f.branch_id,
        }
        now, ago = asdict(self.now), asdict(self.year_ago)
        for key in KPI_KEYS:
            out[key] = now[key]
            out[f"{key}_year_ago"] = ago[key]
        for key in ("sites_by_type", "activities_by_category"):
            out[key] = now[key]
            out[f"{key}_year_ago"] = ago[key]
        return out


_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpi")


def _figures_on(engine: Engine, f: Filter) -> KpiValues:
    with engine.connect() as conn:
        return kpi_values(conn, f)


def kpis(engine: Engine, f: Filter) -> Kpis:
    """The figures now and a year ago, computed side by side on two connections: the
    distinct-person counts dominate and both SQLite and PostgreSQL run them off the GIL."""
    year_ago = _POOL.submit(_figures_on, engine, f.year_ago())
    now = _figures_on(engine, f)
    return Kpis(filter=f, now=now, year_ago=year_ago.result())
