"""Rule 2: streets missing an area of 四位一体, by the 四位一体 panel's own rule
(:func:`dashboard.indicators.breakdowns.four_in_one`), whatever the branch filter: the areas
are the street's, not one branch's. ``since`` is the street's last record of the area on or
before D (an activity of its categories, or the day a site of its types closed)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from dashboard import vocab
from dashboard.attention.model import Item
from dashboard.indicators import breakdowns
from dashboard.indicators.filters import Filter
from dashboard.schema import Activity, Site
from dashboard.wording import day_zh


def street_scope(conn: Connection, f: Filter) -> list[breakdowns.StreetRow]:
    """The streets the filter covers: those chosen, the branch's, or all."""
    wanted = f.site_streets
    return [s for s in breakdowns.streets(conn) if not wanted or s.code in wanted]


def _last_evidence(conn: Connection, f: Filter, codes: list[str]) -> dict[tuple[str, str], dt.date]:
    """(street code, area) → the last activity of the area's categories or closing of one of its sites."""
    area_of_category = {c: a for a, rule in vocab.FOUR_IN_ONE.items() for c in rule["categories"]}
    area_of_type = {t: a for a, rule in vocab.FOUR_IN_ONE.items() for t in rule["sites"]}
    out: dict[tuple[str, str], dt.date] = {}

    def note(code: str, area: str | None, day: dt.date | None) -> None:
        if area and day and day > out.get((code, area), dt.date.min):
            out[(code, area)] = day

    for code, category, day in conn.execute(
        select(Activity.street_code, Activity.category, func.max(Activity.date))
        .where(Activity.street_code.in_(codes), Activity.date <= f.as_of)
        .group_by(Activity.street_code, Activity.category)
    ):
        note(code, area_of_category.get(category), day)
    for code, site_type, day in conn.execute(
        select(Site.street_code, Site.type, func.max(Site.closed_on))
        .where(Site.street_code.in_(codes), Site.closed_on <= f.as_of)
        .group_by(Site.street_code, Site.type)
    ):
        note(code, area_of_type.get(site_type), day)
    return out


def four_in_one_items(conn: Connection, f: Filter) -> list[Item]:
    scope = Filter(as_of=f.as_of, start=f.start, end=f.end, streets=f.site_streets)
    covered = breakdowns.four_in_one(conn, scope)
    rows = street_scope(conn, f)
    gaps = [(s, area) for s in rows for area, has in covered.get(s.name, {}).items() if not has]
    if not gaps:
        return []
    last = _last_evidence(conn, f, sorted({s.code for s, _ in gaps}))
    out = []
    for s, area in gaps:
        rule = vocab.FOUR_IN_ONE[area]
        since = last.get((s.code, area))
        before = f"最近一次相关记录在{day_zh(since)}" if since else "从未有相关站点或活动记录"
        why = (f"{s.name}缺少“{area}”领域:截至日无启用的{'、'.join(rule['sites'])},"
               f"统计期间内也无“{'、'.join(rule['categories'])}”类别的活动;{before}")
        out.append(Item(
            kind="four_in_one", street_code=s.code, subject_id=s.code, subject_name=f"{s.name}·{area}", why=why,
            since=since, days=(f.as_of - since).days if since else None,
            link={"kind": "activities", "street": s.code, "area": area}, detail={"area": area},
        ))
    return out
