"""Rule 1: branches behind on 三会一课 and 主题党日.

For each 党支部 in force on the as-of day D and each kind of meeting, the periods it owes are
the months/quarters whose last day falls in its life (as in the 三会一课 table: the period it
was founded in counts). A period's due date is its last day plus the grace; on the due date it
is not yet late, from the day after it is. The branch is behind on a kind when at least one
period after the one of its last meeting (or, with none, from its founding) is past its due
date: the oldest such due date is ``since``, the days from it to D are ``days``, and the run of
such periods is ``missed`` in a row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard import vocab
from dashboard.attention.model import Item
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import active_orgs
from dashboard.indicators.three_meetings import due_periods, next_period, period_bounds, period_key
from dashboard.schema import Activity, Organisation
from dashboard.wording import day_zh

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Lag:
    """Where a branch stands on one kind of meeting on the as-of day."""
    last_held: dt.date | None
    missed: list[tuple[int, int]]   # the periods past their due date since the last meeting
    since: dt.date | None           # the oldest missed due date
    next_due: dt.date               # the due date of the first period not yet past it


def lag(founded: dt.date, last_held: dt.date | None, as_of: dt.date, months: int, grace: int) -> Lag:
    """The periods owed after the last meeting (or from founding) whose due date is before D."""
    first = period_bounds(period_key(last_held, months), months)[1] + ONE_DAY if last_held else founded
    missed = due_periods(first, as_of - dt.timedelta(days=grace + 1), months)
    following = next_period(missed[-1], months) if missed else period_key(first, months)
    due = lambda key: period_bounds(key, months)[1] + dt.timedelta(days=grace)  # noqa: E731
    return Lag(last_held, missed, due(missed[0]) if missed else None, due(following))


def period_name(key: tuple[int, int], months: int) -> str:
    year, index = key
    return f"{year}年{index + 1}月" if months == 1 else f"{year}年第{index + 1}季度"


def _branches(conn: Connection, f: Filter) -> list:
    """The 党支部 in force on D with, for each kind of meeting, the day of its last one on or before
    D (None: none since founding). Each is looked up branch by branch, newest first, on the index
    of (branch, day): grouping a street's every activity cost more than the rest of 需关注."""
    kinds = tuple(vocab.MEETING_CADENCE)
    last = [select(Activity.date).where(Activity.org_id == Organisation.id, Activity.category == kind,
                                        Activity.date <= f.as_of, Activity.date >= Organisation.founded_on)
            .order_by(Activity.date.desc()).limit(1).scalar_subquery().label(f"last_{i}") for i, kind in enumerate(kinds)]
    return conn.execute(
        select(Organisation.id, Organisation.name, Organisation.street_code, Organisation.founded_on, *last)
        .where(Organisation.level == vocab.BRANCH_LEVEL, *active_orgs(f))
    ).all()


def meeting_items(conn: Connection, f: Filter, grace: int) -> list[Item]:
    branches = _branches(conn, f)
    out = []
    for b in branches:
        for i, (category, months) in enumerate(vocab.MEETING_CADENCE.items()):
            held = b[4 + i]
            lg = lag(b.founded_on, held, f.as_of, months, grace)
            if not lg.missed:
                continue
            unit = "个月" if months == 1 else "个季度"
            before = f"上次召开于{day_zh(held)}" if held else "成立以来未召开过"
            why = (f"{b.name}{category}已连续{len(lg.missed)}{unit}未召开({before});"
                   f"{period_name(lg.missed[0], months)}应开,截止{day_zh(lg.since)},"
                   f"已逾期{(f.as_of - lg.since).days}天;下次截止{day_zh(lg.next_due)}")
            out.append(Item(
                kind="meetings", street_code=b.street_code, subject_id=b.id, subject_name=b.name, why=why,
                since=lg.since, days=(f.as_of - lg.since).days,
                link={"kind": "activities", "org": b.id, "category": category},
                detail={"category": category, "last_held": held, "due": lg.since, "next_due": lg.next_due,
                        "missed": len(lg.missed), "cadence_months": months},
            ))
    return out
