"""街道范围 Street scope: street staff (街道工作人员) import and export only their own streets' rows.

A scope is a tuple of street codes (names are accepted and turned into codes); ``None`` means no
restriction. Which street a row belongs to:

- 党组织、站点、志愿队伍、活动: their 街道编码 column.
- 人员: the 居住街道编码 column. A person without a home street belongs to the streets of every
  party organisation and volunteer team they are or were a member of (组织关系, 志愿者; ended
  memberships count too); the row is inside the scope when any of those streets is. A person with
  neither belongs to no street: only an unrestricted import can write them.
- 组织关系: the organisation's street; 志愿者: the team's; 活动参与: the activity's.
- 走访慰问记录: the person's streets, as for their 人员 row (their home street; without one, the
  streets of their organisations and teams): a contact with a cadre is the business of the street
  that cares for them, wherever the visitor came from.
- 街道: staff may not add or change streets at all.

On import, every row that would be written (new, changed or closed) must be inside the scope,
and a changed row on both sides: as the store holds it and as it will be after the import (so a
record can be moved neither out of nor into another street). The street of a referenced record
"after the import" is its value in this import if the import has it, else the store's; a new
person's memberships in this import count for them. Unchanged rows of other streets are ignored
(one notice per sheet counts them). The export of a scope holds the rows the same rules give for
the store as it is, so it imports again as a no-op within that scope.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.ledger.contract import ACTIVITY, ORG, REF_NOUN, TEAM, Sheet
from dashboard.ledger.problems import Problems
from dashboard.schema import Base

T = Base.metadata.tables
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
# sheets whose street is that of the record a column refers to: sheet -> (kind, field)
VIA = {"组织关系": (ORG, "org_code"), "志愿者": (TEAM, "team_code"), "活动参与": (ACTIVITY, "activity_code")}
OWN_STREET = ("党组织", "人员", "站点", "志愿队伍", "活动")
# sheets whose street is that of the person a column refers to: sheet -> field
PERSON_VIA = {"走访慰问记录": "person_code"}
STREET_TABLES = {ORG: "organisations", TEAM: "volunteer_teams", ACTIVITY: "activities"}


def resolve(conn: Connection, streets: Iterable[str] | str | None) -> tuple[str, ...] | None:
    """A scope as sorted, distinct street codes (a street's name is taken for its code)."""
    if streets is None:
        return None
    if isinstance(streets, str):
        streets = (streets,)
    st = T["streets"]
    pairs = conn.execute(select(st.c.code, st.c.name)).all()
    codes = {c for c, _ in pairs}
    by_name = {n: c for c, n in pairs}
    out = set()
    for s in streets:
        s = str(s).strip()
        out.add(s if s in codes else by_name.get(s, s))
    return tuple(sorted(out))


class StoreStreets:
    """The store's answer to "which street is this record in", for the records rows refer to."""

    def __init__(self, conn: Connection, *, people: bool = True):
        self.names = {c: n for c, n in conn.execute(select(T["streets"].c.code, T["streets"].c.name))}
        self.of: dict[str, dict[str, str]] = {}
        for kind, table in STREET_TABLES.items():
            t = T[table]
            self.of[kind] = {c: s for c, s in conn.execute(select(t.c.code, t.c.street_code))}
        self.links: dict[str, set[str]] = {}
        self.homes: dict[str, str | None] = {}
        if people:
            p, o, vt = T["people"], T["organisations"], T["volunteer_teams"]
            self.homes = {c: s for c, s in conn.execute(select(p.c.code, p.c.street_code))}
            m, vm = T["memberships"], T["volunteer_memberships"]
            for link, holder, fk in ((m, o, m.c.org_id), (vm, vt, vm.c.team_id)):
                q = (select(p.c.code, holder.c.street_code).distinct()
                     .select_from(link.join(p, link.c.person_id == p.c.id).join(holder, fk == holder.c.id)))
                for person, street in conn.execute(q):
                    self.links.setdefault(person, set()).add(street)

    def row_streets(self, sheet: str, key: tuple, row: dict | None) -> frozenset[str]:
        """The streets a stored row belongs to (empty: none); in scope when any of them is."""
        if sheet == "街道":
            return frozenset(key)
        if sheet in VIA:
            kind, fld = VIA[sheet]
            code = row.get(fld) if row is not None else key[0]
            street = self.of[kind].get(code)
            return frozenset((street,)) if street else frozenset()
        if sheet in PERSON_VIA:
            return self.person_streets(row.get(PERSON_VIA[sheet]) if row is not None else key[0])
        home = row.get("street_code")
        if home:
            return frozenset((home,))
        if sheet == "人员":
            return frozenset(self.links.get(key[0], ()))
        return frozenset()

    def person_streets(self, code: str | None) -> frozenset[str]:
        """A stored person's streets: their home street, else those of their organisations and teams."""
        home = self.homes.get(code)
        return frozenset((home,)) if home else frozenset(self.links.get(code, ()))


@dataclass
class _Side:
    streets: frozenset[str]   # empty: the row belongs to no street
    lead: str                 # "该行属于" …, followed by the street(s)
    empty: str = ""           # the reason when there is no street


def check_scope(conn: Connection, scope: tuple[str, ...], known_streets: dict[str, dict], by_sheet: dict,
                entries: list[tuple], problems: Problems) -> None:
    """Refuse every row to be written outside ``scope``; count unchanged rows outside it.

    ``entries``: (sheet spec, row, values, stored row or None, NEW/CHANGED/UNCHANGED, changed values)
    for every row the plan accepted; ``known_streets``: the store's streets by code."""
    unknown = [s for s in scope if s not in known_streets]
    if not scope:
        problems.error("没有指定您负责的街道,不能导入任何数据")
        return
    if unknown:
        problems.error(f"负责街道「{'、'.join(unknown)}」不是现有的街道,不能导入")
        return
    check = _Checker(conn, scope, known_streets, by_sheet,
                     people=any(name in by_sheet for name in ("人员", "组织关系", "志愿者", *PERSON_VIA)))
    ignored: dict[str, int] = {}
    for spec, row, v, old, status, diff in entries:
        where = {"file": row.file, "sheet": spec.name, "row": row.num}
        if spec.name == "街道":
            if status == NEW:
                problems.error("街道工作人员不能新增街道,该行不能导入(如需新增请联系区委老干部局管理员)",
                               column=spec.col("code").header, **where)
            elif status == CHANGED:
                first = next(c.header for c in spec.cols if c.field in diff)
                problems.error("街道工作人员不能修改街道信息,该行不能导入(如需修改请联系区委老干部局管理员)",
                               column=first, **where)
            continue
        column, sides = check.sides(spec, v, old, status)
        if status == UNCHANGED:
            if not check.inside(sides[-1]):
                ignored[spec.name] = ignored.get(spec.name, 0) + 1
            continue
        for side in sides:
            if side is None:
                if not problems.errors:  # a reference that is already reported otherwise
                    problems.error("无法确定该行所属的街道,不能导入", column=column, **where)
                break
            if not check.inside(side):
                problems.error(check.message(side), column=column, **where)
                break
    for name, n in ignored.items():
        problems.notice(f"有 {n} 行属于您负责的街道以外,与现有数据相同,已忽略", sheet=name)


class _Checker:
    def __init__(self, conn: Connection, scope: tuple[str, ...], known_streets: dict[str, dict],
                 by_sheet: dict, people: bool):
        self.scope = frozenset(scope)
        self.store = StoreStreets(conn, people=people)
        self.names = dict(self.store.names)
        file_codes = set()
        for s in by_sheet.get("街道", ()):
            for r in s.rows:
                code, name = r.values.get("code"), r.values.get("name")
                if isinstance(code, str):
                    file_codes.add(code)
                    if isinstance(name, str):
                        self.names.setdefault(code, name)
        valid = set(known_streets) | file_codes
        # each referenced record's street after the import: this import's value, else the store's
        self.after: dict[str, dict[str, str]] = {}
        for kind, sheet in ((ORG, "党组织"), (TEAM, "志愿队伍"), (ACTIVITY, "活动")):
            mine: dict[str, str] = {}
            for s in by_sheet.get(sheet, ()):
                for r in s.rows:
                    code, street = r.values.get("code"), r.values.get("street_code")
                    if isinstance(code, str) and isinstance(street, str) and street in valid:
                        mine.setdefault(code, street)
            self.after[kind] = {**self.store.of[kind], **mine}
        # a person's memberships in this import (organisation or team codes)
        self.new_links: dict[str, list[tuple[str, str]]] = {}
        if people:
            for kind, sheet, fld in ((ORG, "组织关系", "org_code"), (TEAM, "志愿者", "team_code")):
                for s in by_sheet.get(sheet, ()):
                    for r in s.rows:
                        person, code = r.values.get("person_code"), r.values.get(fld)
                        if isinstance(person, str) and isinstance(code, str):
                            self.new_links.setdefault(person, []).append((kind, code))
        # a person's home street after the import, where this import's 人员 sheet gives it
        self.after_homes: dict[str, str | None] = {}
        for s in by_sheet.get("人员", ()):
            for r in s.rows:
                code, street = r.values.get("code"), r.values.get("street_code")
                if isinstance(code, str) and "street_code" in r.values:
                    self.after_homes.setdefault(code, street if isinstance(street, str) and street in valid else None)
        self.scope_text = "、".join(self.names.get(c, c) for c in sorted(self.scope))

    def person_after(self, code: str) -> frozenset[str]:
        """A person's streets after the import: the home street this import or the store gives, else
        the streets of their organisations and teams, this import's new memberships included."""
        home = self.after_homes[code] if code in self.after_homes else self.store.homes.get(code)
        if home:
            return frozenset((home,))
        streets = set(self.store.links.get(code, ()))
        for kind, ref in self.new_links.get(code, ()):
            street = self.after[kind].get(ref)
            if street:
                streets.add(street)
        return frozenset(streets)

    def inside(self, side: _Side | None) -> bool:
        return side is not None and bool(side.streets & self.scope)

    def message(self, side: _Side) -> str:
        if not side.streets:
            return side.empty
        shown = "、".join(f"“{self.names.get(s, s)}”" for s in sorted(side.streets))
        return f"{side.lead}街道{shown},不在您负责的街道({self.scope_text})之内,不能导入"

    def sides(self, spec: Sheet, v: dict, old: dict | None, status: str) -> tuple[str, list[_Side | None]]:
        """The column that decides, and the sides to check: the stored record's (changed rows) first."""
        name = spec.name
        if name in VIA:
            kind, fld = VIA[name]
            code = v[fld]
            noun = REF_NOUN[kind]
            out: list[_Side | None] = []
            if status == CHANGED:
                stored = self.store.of[kind].get(code)
                out.append(_Side(frozenset((stored,)), f"该行的{noun}「{code}」在现有数据中属于") if stored else None)
            after = self.after[kind].get(code)
            out.append(_Side(frozenset((after,)), f"该行的{noun}「{code}」属于") if after else None)
            person = v.get("person_code")
            if status == NEW and kind in (ORG, TEAM) and person in self.store.homes:
                # joining a branch or team makes a person (without a home street) part of its street:
                # an existing person of another street must not be drawn in that way
                home = self.store.homes[person]
                streets = frozenset((home,)) if home else frozenset(self.store.links.get(person, ()))
                out.append(_Side(streets, f"该行的人员「{person}」属于",
                                 f"该行的人员「{person}」既无居住街道,也不属于任何党组织或志愿队伍,只能由管理员添加"))
                return spec.col("person_code").header if streets and not (streets & self.scope) else spec.col(fld).header, out
            return spec.col(fld).header, out
        if name in PERSON_VIA:
            fld = PERSON_VIA[name]
            code = v[fld]
            out = []
            if status == CHANGED:
                out.append(_Side(self.store.person_streets(code), f"该行的人员「{code}」在现有数据中属于",
                                 f"该行的人员「{code}」在现有数据中既无居住街道,也不属于任何党组织或志愿队伍,只能由管理员修改"))
            out.append(_Side(self.person_after(code), f"该行的人员「{code}」属于",
                             f"该行的人员「{code}」既无居住街道,也不属于任何党组织或志愿队伍,无法确定所属街道,"
                             "只能由管理员导入"))
            return spec.col(fld).header, out
        column = spec.col("street_code").header
        out = []
        old_home = old.get("street_code") if old is not None else None
        if status == CHANGED:
            if old_home:
                out.append(_Side(frozenset((old_home,)), "该记录在现有数据中属于"))
            else:  # only people may have no street
                out.append(_Side(frozenset(self.store.links.get(v["code"], ())),
                                 "该人员在现有数据中未填写居住街道,按其党组织和志愿队伍属于",
                                 "该人员在现有数据中既无居住街道,也不属于任何党组织或志愿队伍,只能由管理员修改"))
        home = v["street_code"] if "street_code" in v else old_home
        if home:
            out.append(_Side(frozenset((home,)), "该行属于"))
        else:
            streets = set(self.store.links.get(v["code"], ()))
            for kind, code in self.new_links.get(v["code"], ()):
                street = self.after[kind].get(code)
                if street:
                    streets.add(street)
            out.append(_Side(frozenset(streets), "该人员未填写居住街道,按其党组织和志愿队伍属于",
                             "该人员未填写居住街道,也不属于任何党组织或志愿队伍,无法确定所属街道,不能导入"
                             "(请填写居住街道编码,或在「组织关系」「志愿者」中填写其所在组织或队伍)"))
        return column, out


__all__ = ["resolve", "check_scope", "StoreStreets", "NEW", "CHANGED", "UNCHANGED"]
