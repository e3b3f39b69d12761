"""Rule 4: ledgers gone stale.

For each street in scope and each ledger sheet whose records belong to a street (directly by
its 街道编码, or through the 党组织, 志愿队伍 or 活动 they name; see dashboard/ledger/contract.py),
the newest record: the latest of its dates on or before D (a start, or an end that has come).
The 人员 sheet is left out: its rows carry no date. A street with no record in a sheet is the
state ``never`` (从未录入), never a zero.

Only the sheets that grow on a cadence are watched: 活动 and 活动参与 gain rows every month
(支委会, 党小组会 and 主题党日 are monthly, with their sign-ins), so nothing newer than N days
(``ledger_stale_days``), or nothing ever, lists the street. Branches, sites, teams and their
members change when something happens, not by a calendar: the table shows their dates unflagged.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CompoundSelect, exists, func, literal, select, union_all
from sqlalchemy.engine import Connection

from dashboard.attention.model import Item, Thresholds
from dashboard.attention.streets import street_scope
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import run
from dashboard.ledger import contract
from dashboard.schema import (
    Activity,
    Membership,
    Organisation,
    Participation,
    Site,
    Street,
    VolunteerMembership,
    VolunteerTeam,
)
from dashboard.wording import day_zh

# sheet → (the street column, the join to reach it or None, the record's date columns[, a condition
# on the rows read instead of a join: a sign-in's day is its activity's, so the newest sign-in is the
# newest activity that has one, found without reading a district's two million sign-ins])
_SHEETS = (
    (contract.ORGS, Organisation.street_code, None, (Organisation.founded_on, Organisation.dissolved_on)),
    (contract.MEMBERSHIPS, Organisation.street_code, (Membership, Organisation, Organisation.id == Membership.org_id),
     (Membership.joined_on, Membership.left_on)),
    (contract.SITES, Site.street_code, None, (Site.opened_on, Site.closed_on)),
    (contract.TEAMS, VolunteerTeam.street_code, None, (VolunteerTeam.founded_on, VolunteerTeam.dissolved_on)),
    (contract.VOLUNTEERS, VolunteerTeam.street_code,
     (VolunteerMembership, VolunteerTeam, VolunteerTeam.id == VolunteerMembership.team_id),
     (VolunteerMembership.joined_on, VolunteerMembership.left_on)),
    (contract.ACTIVITIES, Activity.street_code, None, (Activity.date,)),
    (contract.PARTICIPATIONS, Activity.street_code, None, (Activity.date,),
     exists().where(Participation.activity_id == Activity.id)),
)
WATCHED = (contract.ACTIVITIES.name, contract.PARTICIPATIONS.name)
STATE_WORDS = {"fresh": "正常", "stale": "超期未更新", "never": "从未录入", "recorded": "有记录"}


def newest_statement(f: Filter) -> CompoundSelect:
    """(sheet, street code, day): per sheet, date column and street in the filter's scope, the
    newest record's day on or before D: one statement, a part per sheet and date column (each part
    a round trip of its own cost more than its query). A sheet of one table is read street by
    street, newest first, so that the index on (street, day) finds the answer without reading a
    street's every activity and its sign-ins. Built from the filter's values as SQL values only
    (kpi.run compiles it once per filter shape)."""
    wanted = f.site_streets
    parts = []
    for sheet, street, join, dates, *condition in _SHEETS:
        for day_col in dates:
            if join is None:
                newest = (select(day_col).where(street == Street.code, day_col <= f.as_of, *condition)
                          .order_by(day_col.desc()).limit(1).scalar_subquery())
                parts.append(select(literal(sheet.name).label("sheet"), Street.code.label("street"), newest.label("day"))
                             .where(*([Street.code.in_(wanted)] if wanted else [])))
            else:
                parts.append(select(literal(sheet.name).label("sheet"), street.label("street"), func.max(day_col).label("day"))
                             .select_from(join[0]).join(join[1], join[2])
                             .where(*([street.in_(wanted)] if wanted else []), day_col <= f.as_of, *condition)
                             .group_by(street))
    return union_all(*parts)


def _newest(conn: Connection, f: Filter) -> dict[tuple[str, str], dt.date]:
    """(street code, sheet name) → the newest record's day on or before D."""
    out: dict[tuple[str, str], dt.date] = {}
    for name, code, day in run(conn, newest_statement, f):
        if day is not None and day > out.get((code, name), dt.date.min):
            out[(code, name)] = day
    return out


def freshness(conn: Connection, f: Filter, t: Thresholds) -> list[dict]:
    """One row per street in scope and sheet: its newest record (``newest``, None: never), the
    days since, whether the sheet is watched, and its state: fresh, stale or never for the
    watched sheets, recorded or never for the others."""
    streets = street_scope(conn, f)
    newest = _newest(conn, f)
    rows = []
    for s in streets:
        for sheet, *_ in _SHEETS:
            day = newest.get((s.code, sheet.name))
            days = (f.as_of - day).days if day else None
            watched = sheet.name in WATCHED
            if day is None:
                state = "never"
            elif not watched:
                state = "recorded"
            else:
                state = "stale" if days > t.ledger_stale_days else "fresh"
            rows.append({"street_code": s.code, "street_name": s.name, "sheet": sheet.name, "newest": day,
                         "days": days, "watched": watched, "state": state, "state_text": STATE_WORDS[state]})
    return rows


def ledger_items(rows: list[dict], t: Thresholds) -> list[Item]:
    out = []
    for r in rows:
        if not r["watched"] or r["state"] == "fresh":
            continue
        if r["state"] == "never":
            why = f"{r['street_name']}的“{r['sheet']}”台账从未录入"
        else:
            why = (f"{r['street_name']}的“{r['sheet']}”台账最新记录在{day_zh(r['newest'])},"
                   f"已{r['days']}天无新记录,超过{t.ledger_stale_days}天")
        out.append(Item(kind="ledger_stale", street_code=r["street_code"],
                        subject_id=f"{r['street_code']}:{r['sheet']}", subject_name=f"{r['street_name']}·{r['sheet']}",
                        why=why, since=r["newest"], days=r["days"],
                        link={"kind": "activities", "street": r["street_code"]},
                        detail={"sheet": r["sheet"], "state": r["state"]}))
    return out
