"""A drill's whole list as a workbook in the ledger's own format (dashboard/ledger/contract.py):
the ledger's sheet name and column names, its codes and values as stored, so that the file
imports again as a no-op. The report records have no ledger sheet: they go out as a plain
sheet of the list's own columns."""
from __future__ import annotations

import io

from sqlalchemy import func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from dashboard.indicators.filters import Filter
from dashboard.ledger import contract
from dashboard.ledger.contract import BOOL, Sheet
from dashboard.ledger.reader import DEFAULT_MAX_ROWS
from dashboard.ledger.xlsxwrite import write_xlsx
from dashboard.records.drill import Drill, DrillError
from dashboard.records.listing import kind_of
from dashboard.records.spec import ID
from dashboard.schema import Activity, Organisation, Person, Site, VolunteerTeam

MAX_ROWS = DEFAULT_MAX_ROWS  # the most rows a downloaded list may hold: as many as an import may

Parent = aliased(Organisation)
OrgRef, TeamRef, SiteRef = aliased(Organisation), aliased(VolunteerTeam), aliased(Site)


def _orgs(ids: Select) -> Select:
    return (select(Organisation.code, Organisation.name, Organisation.kind, Organisation.level, Parent.code,
                   Organisation.street_code, Organisation.unit, Organisation.founded_on, Organisation.dissolved_on)
            .outerjoin(Parent, Parent.id == Organisation.parent_id).where(Organisation.id.in_(ids))
            .order_by(Organisation.code))


def _people(ids: Select) -> Select:
    return (select(Person.code, Person.name, Person.gender, Person.birth_year, Person.birth_date, Person.cadre_type,
                   Person.health, Person.lives_alone, Person.phone, Person.street_code,
                   Person.lon, Person.lat, Person.skills, Person.willing).where(Person.id.in_(ids)).order_by(Person.code))


def _sites(ids: Select) -> Select:
    # stored coordinates are WGS84: the 坐标系 column says so, and nothing is converted on import
    return (select(Site.code, Site.name, Site.type, Site.street_code, Site.community, Site.lon, Site.lat,
                   literal("WGS84"), Site.co_built, Site.standardised, Site.liaison, Site.opened_on, Site.closed_on)
            .where(Site.id.in_(ids)).order_by(Site.code))


def _teams(ids: Select) -> Select:
    return (select(VolunteerTeam.code, VolunteerTeam.name, VolunteerTeam.street_code, OrgRef.code,
                   VolunteerTeam.direction, VolunteerTeam.founded_on, VolunteerTeam.dissolved_on)
            .outerjoin(OrgRef, OrgRef.id == VolunteerTeam.org_id).where(VolunteerTeam.id.in_(ids))
            .order_by(VolunteerTeam.code))


def _activities(ids: Select) -> Select:
    return (select(Activity.code, Activity.date, Activity.category, Activity.name, OrgRef.code, TeamRef.code,
                   SiteRef.code, Activity.street_code, Activity.participants, Activity.hours)
            .outerjoin(OrgRef, OrgRef.id == Activity.org_id).outerjoin(TeamRef, TeamRef.id == Activity.team_id)
            .outerjoin(SiteRef, SiteRef.id == Activity.site_id).where(Activity.id.in_(ids))
            .order_by(Activity.code))


# kind -> the ledger sheets of its records: (sheet, statement of the sheet's columns for the ids,
# which rows of a coverage list are of this sheet)
LEDGER = {
    "branches": ((contract.ORGS, _orgs, None),),
    "members": ((contract.PEOPLE, _people, None),),
    "volunteers": ((contract.PEOPLE, _people, None),),
    "participants": ((contract.PEOPLE, _people, None),),
    "talent": ((contract.PEOPLE, _people, None),),
    "cadres": ((contract.PEOPLE, _people, None),),
    "teams": ((contract.TEAMS, _teams, None),),
    "sites": ((contract.SITES, _sites, None),),
    "activities": ((contract.ACTIVITIES, _activities, None),),
    "coverage": ((contract.SITES, _sites, "站点"), (contract.ACTIVITIES, _activities, "活动")),
}


def _cells(spec: Sheet, rows):
    yield [c.header for c in spec.cols]
    bools = [c.kind == BOOL for c in spec.cols]
    for row in rows:
        yield [("是" if v else "否") if flag and v is not None else v for v, flag in zip(row, bools)]


def _widths(headers) -> list[int]:
    return [max(10, 2 * len(h) + 4) for h in headers]


def workbook(conn: Connection, drill: Drill, f: Filter) -> bytes:
    """The drill's whole list as .xlsx bytes; more than :data:`MAX_ROWS` rows is a Chinese error."""
    kind = kind_of(drill)
    sub = kind.rows(conn, f, drill).subquery()
    n = conn.execute(select(func.count()).select_from(sub)).scalar_one()
    if n > MAX_ROWS:
        raise DrillError(f"该列表共 {n:,} 条,超过下载上限 {MAX_ROWS:,} 条;请缩小筛选范围后再下载")
    sheets = []
    if kind.name in LEDGER:
        for spec, build, record in LEDGER[kind.name]:
            ids = select(sub.c[ID]) if record is None else select(sub.c[ID]).where(sub.c.record == record)
            stmt = build(ids)
            assert len(stmt.selected_columns) == len(spec.cols), spec.name
            rows = conn.execute(stmt).all()
            sheets.append((spec.name, _cells(spec, rows), _widths(c.header for c in spec.cols), len(rows) + 1))
    else:
        stmt = select(*(sub.c[c.key] for c in kind.columns)).order_by(sub.c[kind.sort], sub.c[ID])
        rows = conn.execute(stmt).all()
        headers = [c.label for c in kind.columns]
        sheets.append((kind.noun.strip("《》"), iter([headers, *map(list, rows)]), _widths(headers), len(rows) + 1))
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()
