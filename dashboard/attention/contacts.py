"""Rule 6: 重点关爱对象 not contacted (走访慰问记录) for more than N days (``contact_days``).

A cadre on D (dashboard.indicators.care: a membership or team membership in force) in the filter
who is a 重点关爱对象 (a 离休干部, aged 90 or more, or 失能半失能: vocab.CARE_FOCUS_*) is listed
when their last contact is more than N days before D, or, never contacted, when they have been a
cadre for more than N days counted from the later of their first membership or team membership
and the first contact in the store (the day the 走访慰问记录 begins): a cadre who retired last
month is not listed yet, and a ledger begun last month does not list everyone. Since: the last
contact, else that later day. An item names a person: its ``why`` does not, and surfaces without
names show the subject without it (dashboard.attention.text).
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from dashboard.attention.model import Item, Thresholds
from dashboard.indicators.care import cadre_ids, first_link_parts, last_contact, ledger_start, links_on, overdue_condition
from dashboard.indicators.filters import Filter
from dashboard.schema import Person
from dashboard.wording import day_zh

CHUNK = 10_000  # ids a statement names at most (SQLite takes 32,766 parameters)


def overdue(conn: Connection, f: Filter, days: int, focus_first: bool | None = None) -> tuple[list, dict[int, str]]:
    """The overdue 重点关爱对象 who are cadres in the filter, and the first street of the links of
    those without a home street (for the list's street column), by id. Two plans give the same
    answer (tested on both databases); ``focus_first`` None takes the faster one for the database
    (a branch's filter always takes the first: a branch's cadres are few)."""
    membership, team = first_link_parts(f.as_of)
    columns = (Person.id, Person.name, Person.birth_year, Person.cadre_type, Person.street_code,
               last_contact(f.as_of).label("last"), membership.label("membership"), team.label("team"))
    if focus_first is None:
        focus_first = conn.dialect.name == "sqlite"
    if not focus_first or f.branch_id is not None:
        # sorted here: an ORDER BY costs PostgreSQL's plan more than sorting the few rows does
        rows = sorted(conn.execute(select(*columns).where(Person.id.in_(cadre_ids(f)), overdue_condition(f.as_of, days))),
                      key=lambda r: r.id)
        homeless = [r.id for r in rows if not r.street_code]
        linked: dict[int, str] = {}
        if homeless:
            links = links_on(f).subquery()
            for pid, street in conn.execute(select(links.c.person_id, func.min(links.c.street_code))
                                            .where(links.c.person_id.in_(homeless)).group_by(links.c.person_id)):
                linked[pid] = street
        return rows, linked
    # SQLite lists every cadre of the district (the IN of cadre_ids) before it looks at one
    # 重点关爱对象: the overdue ones first (few, each test an indexed lookup), then their links in
    # force, the rule of cadre_ids applied to them here (twice as fast on SQLite; on PostgreSQL the
    # form above is 2–20× faster, its planner starting from the 重点关爱对象 itself). Under a street
    # filter those living in another street are dropped below whatever their links: not read at all
    elsewhere = [or_(Person.street_code.in_(f.streets), Person.street_code.is_(None))] if f.streets else []
    rows = sorted(conn.execute(select(*columns).where(overdue_condition(f.as_of, days), *elsewhere)),
                  key=lambda r: r.id)
    ids = [r.id for r in rows]
    links = links_on(f).subquery()
    streets_of: dict[int, set[str]] = {}
    for i in range(0, len(ids), CHUNK):
        for pid, street in conn.execute(select(links.c.person_id, links.c.street_code)
                                        .where(links.c.person_id.in_(ids[i:i + CHUNK]))):
            streets_of.setdefault(pid, set()).add(street)
    wanted = set(f.streets)
    rows = [r for r in rows if r.id in streets_of and (
        not wanted or r.street_code in wanted or (r.street_code is None and streets_of[r.id] & wanted))]
    return rows, {r.id: min((s for s in streets_of[r.id] if s), default=None) for r in rows if not r.street_code}


def contact_items(conn: Connection, f: Filter, t: Thresholds) -> list[Item]:
    days = t.contact_days
    begun = conn.execute(select(ledger_start())).scalar_one()
    rows, linked = overdue(conn, f, days)
    out = []
    for r in rows:
        first = min((d for d in (r.membership, r.team) if d is not None), default=None)
        since = r.last or max(first, begun)  # never contacted: overdue_condition found a link before the window
        n = (f.as_of - since).days
        if r.last:
            why = f"最近一次联系在{day_zh(r.last)},已{n}天未联系(走访慰问记录),超过{days}天"
        elif since == begun:
            why = f"自走访慰问记录开始({day_zh(begun)})以来无联系记录,已{n}天,超过{days}天"
        else:
            why = f"自{day_zh(first)}在册以来无走访慰问记录,已{n}天,超过{days}天"
        out.append(Item(
            kind="contact_overdue", street_code=r.street_code or linked.get(r.id), subject_id=r.id,
            subject_name=r.name, why=why, since=since, days=n, link={"kind": "cadres", "person": r.id},
            detail={"birth_year": r.birth_year, "cadre_type": r.cadre_type, "last_contact": r.last},
        ))
    return out
