"""Rule 3: the co-built sites' 一员一簿一册 (联络指导员, 签到簿, 写实册).

The co-built sites (共建, the ones the model is for) open on D in the filter's streets:
- ``site_idle``: no activity recorded at the site for more than N days (``site_idle_days``),
  counted from its last activity or, with none since it opened, from its opening day, so a site
  opened less than N days ago is not listed until N days after opening;
- ``site_no_liaison``: no 联络指导员 (the 站点 sheet's 联络指导员 is empty), counted from opening;
- ``site_no_signin``: activities at the site in the period with no sign-in rows (participation
  rows, the 签到簿), leaving out the last ``meeting_grace_days`` days, which may not be entered
  yet; counted from the first such activity.
A site is complete (齐全) when none of the three applies.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, exists, func, select
from sqlalchemy.engine import Connection

from dashboard.attention.model import Item, Thresholds
from dashboard.attention.streets import street_scope
from dashboard.indicators.filters import Filter
from dashboard.indicators.kpi import site_scope
from dashboard.schema import Activity, Participation, Site
from dashboard.wording import day_zh


@dataclass(frozen=True)
class SiteState:
    id: int
    name: str
    street_code: str
    opened_on: dt.date
    liaison: bool
    last_activity: dt.date | None
    idle_since: dt.date
    unsigned: int           # activities in the window without sign-in rows
    activities: int         # activities in the window
    first_unsigned: dt.date | None


def site_states(conn: Connection, f: Filter, t: Thresholds) -> list[SiteState]:
    sites = conn.execute(
        select(Site.id, Site.name, Site.street_code, Site.opened_on, Site.liaison)
        .where(Site.co_built.is_(True), *site_scope(f)).order_by(Site.id)
    ).all()
    if not sites:
        return []
    in_scope = select(Site.id).where(Site.co_built.is_(True), *site_scope(f))
    last = dict(conn.execute(
        select(Activity.site_id, func.max(Activity.date))
        .where(Activity.site_id.in_(in_scope), Activity.date <= f.as_of).group_by(Activity.site_id)
    ).all())
    window_end = min(f.end, f.as_of - dt.timedelta(days=t.meeting_grace_days))
    signed = exists().where(Participation.activity_id == Activity.id)
    # site → (activities, unsigned, first unsigned), counted by the database: a district's sites hold
    # tens of thousands of activities a year
    window: dict[int, tuple[int, int, dt.date | None]] = {
        site_id: (total, int(unsigned or 0), first)
        for site_id, total, unsigned, first in conn.execute(
            select(Activity.site_id, func.count(), func.sum(case((signed, 0), else_=1)),
                   func.min(case((signed, None), else_=Activity.date)))
            .where(Activity.site_id.in_(in_scope), Activity.date >= f.start, Activity.date <= window_end)
            .group_by(Activity.site_id)
        )
    }
    out = []
    for s in sites:
        total, unsigned, first_unsigned = window.get(s.id, (0, 0, None))
        held = last.get(s.id)
        out.append(SiteState(
            s.id, s.name, s.street_code, s.opened_on, bool((s.liaison or "").strip()), held,
            max(held, s.opened_on) if held else s.opened_on, unsigned, total, first_unsigned,
        ))
    return out


def problems_of(s: SiteState, f: Filter, t: Thresholds) -> list[str]:
    """The kinds that apply to a site: what keeps it from being complete."""
    out = []
    if (f.as_of - s.idle_since).days > t.site_idle_days:
        out.append("site_idle")
    if not s.liaison:
        out.append("site_no_liaison")
    if s.unsigned:
        out.append("site_no_signin")
    return out


def site_items(states: list[SiteState], f: Filter, t: Thresholds) -> list[Item]:
    out = []
    for s in states:
        for kind in problems_of(s, f, t):
            if kind == "site_idle":
                since = s.idle_since
                why = (f"{s.name}最近一次活动在{day_zh(s.last_activity)}" if s.last_activity and s.last_activity >= s.opened_on
                       else f"{s.name}自{day_zh(s.opened_on)}启用以来无活动记录")
                why += f",已{(f.as_of - since).days}天无活动(写实册),超过{t.site_idle_days}天"
                link = {"kind": "activities", "site": s.id}
            elif kind == "site_no_liaison":
                since = s.opened_on
                why = f"{s.name}未配备联络指导员(启用于{day_zh(s.opened_on)})"
                link = {"kind": "sites", "site": s.id}
            else:
                since = s.first_unsigned
                why = f"{s.name}统计期间内{s.activities}场活动中有{s.unsigned}场无签到记录(签到簿),最早一场在{day_zh(since)}"
                link = {"kind": "activities", "site": s.id}
            out.append(Item(kind=kind, street_code=s.street_code, subject_id=s.id, subject_name=s.name, why=why,
                            since=since, days=(f.as_of - since).days, link=link,
                            detail={"last_activity": s.last_activity, "opened_on": s.opened_on,
                                    "activities": s.activities, "unsigned": s.unsigned}))
    return out


def completeness(conn: Connection, f: Filter, t: Thresholds, states: list[SiteState] | None = None) -> list[dict]:
    """一员一簿一册齐全率 per street in scope: co-built sites open on D, how many are complete
    (联络指导员 + recent activity + sign-ins), the share (None without sites), and how many lack each."""
    states = site_states(conn, f, t) if states is None else states
    rows = {s.code: {"street_code": s.code, "street_name": s.name, "sites": 0, "complete": 0, "share": None,
                     "no_liaison": 0, "idle": 0, "no_signin": 0} for s in street_scope(conn, f)}
    for s in states:
        row = rows.get(s.street_code)
        if row is None:
            continue
        kinds = problems_of(s, f, t)
        row["sites"] += 1
        row["complete"] += not kinds
        row["no_liaison"] += "site_no_liaison" in kinds
        row["idle"] += "site_idle" in kinds
        row["no_signin"] += "site_no_signin" in kinds
    for row in rows.values():
        row["share"] = round(row["complete"] / row["sites"], 4) if row["sites"] else None
    return list(rows.values())
