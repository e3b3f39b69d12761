"""三会一课: for each active branch, the meetings held in the period against those required.

A meeting is due for each calendar month (支委会, 党小组会) or quarter (支部党员大会, 党课) that
ends inside the window where the period and the branch's life overlap. A period is covered
when at least one such meeting was held in it. Status: green when every due period of every
kind is covered, amber when at least 75 % are, red below that, ``none`` when nothing is due yet.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard import vocab
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import active_orgs
from dashboard.schema import Activity, Organisation

AMBER_FROM = 0.75


@dataclass(frozen=True)
class BranchMeetings:
    org_id: int
    name: str
    kind: str
    street_code: str
    held: dict[str, int]
    required: dict[str, int]
    covered: dict[str, int]

    @property
    def rate(self) -> float | None:
        due = sum(self.required.values())
        return None if due == 0 else sum(self.covered.values()) / due

    @property
    def status(self) -> str:
        if sum(self.required.values()) == 0:
            return "none"
        worst = min(self.covered[c] / self.required[c] for c in self.required if self.required[c])
        if worst >= 1.0:
            return "green"
        return "amber" if worst >= AMBER_FROM else "red"


# The period arithmetic below is shared with the 需关注 list (dashboard/attention/meetings.py),
# so that the table and the list agree on which months and quarters a branch owes.

def period_key(day: dt.date, months: int) -> tuple[int, int]:
    """The month (``months`` = 1) or quarter (3) holding ``day``: (year, index within the year)."""
    return day.year, (day.month - 1) // months


def period_bounds(key: tuple[int, int], months: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a period."""
    year, index = key
    first_month, last_month = index * months + 1, index * months + months
    return dt.date(year, first_month, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])


def next_period(key: tuple[int, int], months: int) -> tuple[int, int]:
    year, index = key
    return (year + 1, 0) if (index + 1) * months >= 12 else (year, index + 1)


def due_periods(first: dt.date, last: dt.date, months: int) -> list[tuple[int, int]]:
    """Keys of the months/quarters whose last day lies in [first, last]."""
    out = []
    key = period_key(first, months)
    while (end := period_bounds(key, months)[1]) <= last:
        if end >= first:
            out.append(key)
        key = next_period(key, months)
    return out


_period_key, _due_periods = period_key, due_periods  # the names this module used before


def three_meetings(conn: Connection, f: Filter) -> list[BranchMeetings]:
    branches = conn.execute(
        select(Organisation.id, Organisation.name, Organisation.kind, Organisation.street_code,
               Organisation.founded_on, Organisation.dissolved_on)
        .where(Organisation.level == vocab.BRANCH_LEVEL, *active_orgs(f))
        .order_by(Organisation.name)
    ).all()
    if not branches:
        return []
    ids = [b.id for b in branches]
    meetings: dict[int, list[tuple[str, dt.date]]] = {}
    rows = conn.execute(
        select(Activity.org_id, Activity.category, Activity.date).where(
            Activity.category.in_(tuple(vocab.THREE_MEETINGS_ONE_LECTURE)),
            Activity.date >= f.start, Activity.date <= f.end,
            Activity.org_id.in_(ids),
        )
    )
    for org_id, category, day in rows:
        meetings.setdefault(org_id, []).append((category, day))
    out = []
    for b in branches:
        first = max(f.start, b.founded_on)
        last = min(f.end, b.dissolved_on - dt.timedelta(days=1)) if b.dissolved_on else f.end
        held, required, covered = {}, {}, {}
        for category, months in vocab.THREE_MEETINGS_ONE_LECTURE.items():
            days = [d for c, d in meetings.get(b.id, ()) if c == category and first <= d <= last]
            due = _due_periods(first, last, months)
            met = {_period_key(d, months) for d in days}
            held[category] = len(days)
            required[category] = len(due)
            covered[category] = sum(1 for key in due if key in met)
        out.append(BranchMeetings(b.id, b.name, b.kind, b.street_code, held, required, covered))
    return out
