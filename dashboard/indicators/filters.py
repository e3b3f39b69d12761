"""The typed filter every indicator takes, and its resolution from what a user typed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from dashboard.schema import Organisation, Street

PERIODS = ("12m", "year", "custom")


class FilterError(ValueError):
    """A filter names something that does not exist or does not make sense. The message is Chinese."""


def shift_year(day: dt.date, years: int = -1) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_period(as_of: dt.date, period: str = "12m") -> tuple[dt.date, dt.date]:
    """The period that ends on the as-of day: the last 12 months, or this calendar year."""
    if period == "year":
        return dt.date(as_of.year, 1, 1), as_of
    return shift_year(as_of) + dt.timedelta(days=1), as_of


@dataclass(frozen=True)
class Filter:
    """A resolved filter: street codes, the branch's organisation ids (itself and below),
    the as-of day, and the inclusive period [start, end]."""
    as_of: dt.date
    start: dt.date
    end: dt.date
    streets: tuple[str, ...] = ()
    branch_id: int | None = None
    org_ids: tuple[int, ...] = ()
    branch_street: str | None = None
    branch_name: str | None = None

    @property
    def site_streets(self) -> tuple[str, ...]:
        """Sites belong to streets, not branches: a branch filter means the sites of its street."""
        if self.branch_street is not None:
            return (self.branch_street,)
        return self.streets

    def year_ago(self) -> Filter:
        return replace(self, as_of=shift_year(self.as_of), start=shift_year(self.start), end=shift_year(self.end))

    @classmethod
    def district(cls, as_of: dt.date | None = None) -> Filter:
        as_of = as_of or dt.date.today()
        start, end = default_period(as_of)
        return cls(as_of=as_of, start=start, end=end)


def _branch_tree(conn: Connection, root: int) -> tuple[int, ...]:
    rows = conn.execute(select(Organisation.id, Organisation.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for oid, parent in rows:
        children.setdefault(parent, []).append(oid)
    out, todo = [], [root]
    while todo:
        oid = todo.pop()
        out.append(oid)
        todo.extend(children.get(oid, ()))
    return tuple(sorted(out))


def resolve_streets(conn: Connection, streets: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    codes: list[str] = []
    for raw in streets:
        token = str(raw).strip()
        code = conn.execute(
            select(Street.code).where(or_(Street.code == token, Street.name == token))
        ).scalar_one_or_none()
        if code is None:
            raise FilterError(f"未知的街道/镇:“{token}”(请使用12位区划代码或街道名称)")
        if code not in codes:
            codes.append(code)
    return tuple(sorted(codes))


def resolve_branch(conn: Connection, branch: str | int) -> tuple[int, str, str]:
    """A branch by id, code or exact name: (id, name, street code)."""
    token = str(branch).strip()
    cond = [Organisation.code == token, Organisation.name == token]
    if token.isdigit() and len(token) <= 9:  # an id; a longer number would overflow the database's integers
        cond.append(Organisation.id == int(token))
    rows = conn.execute(
        select(Organisation.id, Organisation.name, Organisation.street_code).where(or_(*cond))
    ).all()
    if not rows:
        raise FilterError(f"未知的党组织:“{token}”(请使用组织编号、编码或全称)")
    if len(rows) > 1:
        raise FilterError(f"党组织“{token}”不唯一,请使用组织编号或编码")
    return rows[0].id, rows[0].name, rows[0].street_code


def resolve_filter(
    conn: Connection,
    *,
    streets: list[str] | tuple[str, ...] = (),
    branch: str | int | None = None,
    as_of: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    period: str = "12m",
) -> Filter:
    """Turn names/codes and days into a :class:`Filter`, or raise :class:`FilterError`."""
    as_of = as_of or dt.date.today()
    if period not in PERIODS:
        raise FilterError(f"未知的统计期间:“{period}”(可选:12m、year、custom)")
    if (start is None) != (end is None):
        raise FilterError("自定义期间须同时给出起始日和截止日")
    if start is None:
        start, end = default_period(as_of, period)
    if start > end:
        raise FilterError(f"起始日 {start} 晚于截止日 {end}")
    codes = resolve_streets(conn, streets)
    branch_id, org_ids, branch_street, name = None, (), None, None
    if branch not in (None, ""):
        branch_id, name, branch_street = resolve_branch(conn, branch)
        if codes and branch_street not in codes:
            raise FilterError(f"党组织“{name}”不在所选街道/镇内")
        org_ids = _branch_tree(conn, branch_id)
    return Filter(as_of=as_of, start=start, end=end, streets=codes, branch_id=branch_id,
                  org_ids=org_ids, branch_street=branch_street, branch_name=name)
