"""Checks across rows and against the store, and the diff: what an import would change.

A plan is computed on a connection: for a preview on a read connection, for an import on
the very transaction that then applies it (so it always matches the store it is applied to).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from dashboard.ledger.contract import (
    ACTIVITY,
    ORG,
    PERSON,
    REF,
    REF_NOUN,
    SHEETS,
    SITE,
    STREET,
    TEAM,
    Sheet,
)
from dashboard.ledger.problems import Problems
from dashboard.ledger.reader import INVALID, Row, SheetData
from dashboard.ledger.scope import CHANGED, NEW, UNCHANGED, check_scope
from dashboard.schema import Base

T = Base.metadata.tables
REF_TABLE = {ORG: "organisations", PERSON: "people", TEAM: "volunteer_teams", SITE: "sites", ACTIVITY: "activities"}
# code-space field -> (id column, ref kind) in the table
REF_FIELDS = {
    "parent_code": ("parent_id", ORG), "org_code": ("org_id", ORG), "team_code": ("team_id", TEAM),
    "site_code": ("site_id", SITE), "person_code": ("person_id", PERSON), "activity_code": ("activity_id", ACTIVITY),
}


@dataclass
class SheetCounts:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0

    def to_json(self) -> dict:
        return {"rows": self.rows, "new": self.new, "changed": self.changed,
                "unchanged": self.unchanged, "closed": self.closed}


@dataclass
class SheetPlan:
    spec: Sheet
    counts: SheetCounts = field(default_factory=SheetCounts)
    inserts: list[dict] = field(default_factory=list)              # code-space values
    updates: list[tuple[object, dict]] = field(default_factory=list)  # (store id or code, changed values)

    @property
    def changes(self) -> int:
        return len(self.inserts) + len(self.updates)


class Snapshot:
    """What the store holds, in code space (codes instead of ids), for the sheets at hand."""

    def __init__(self, conn: Connection, sheets: set[str]):
        self.conn = conn
        self.ids: dict[str, dict[str, int]] = {}
        self.codes: dict[str, dict[int, str]] = {}
        for kind, table in REF_TABLE.items():
            t = T[table]
            pairs = conn.execute(select(t.c.code, t.c.id)).all()
            self.ids[kind] = {c: i for c, i in pairs}
            self.codes[kind] = {i: c for c, i in pairs}
        st = T["streets"]
        self.streets = {r.code: r._asdict() for r in conn.execute(select(st))}
        self.street_names = {r["name"]: c for c, r in self.streets.items()}
        self.rows: dict[str, dict] = {}
        for spec in SHEETS:
            if spec.name in sheets:
                self.rows[spec.name] = self._load(spec)

    def reload_ids(self, kind: str) -> None:
        t = T[REF_TABLE[kind]]
        pairs = self.conn.execute(select(t.c.code, t.c.id)).all()
        self.ids[kind] = {c: i for c, i in pairs}
        self.codes[kind] = {i: c for c, i in pairs}

    def _to_codes(self, row: dict) -> dict:
        out = dict(row)
        for fld, (col, kind) in REF_FIELDS.items():
            if col in out:
                value = out.pop(col)
                out[fld] = None if value is None else self.codes[kind].get(value)
        return out

    def _load(self, spec: Sheet) -> dict:
        t = T[spec.table]
        if spec.table == "streets":
            return {(c,): r for c, r in self.streets.items()}
        if spec.table == "participations":
            acts, people = self.codes[ACTIVITY], self.codes[PERSON]
            return {(acts[a], people[p]): None for a, p in self.conn.execute(select(t.c.activity_id, t.c.person_id))}
        out = {}
        for r in self.conn.execute(select(t)):
            row = self._to_codes(r._asdict())
            key = tuple(row[f] for f in spec.key)
            out.setdefault(key, row)
        return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


def make_plan(conn: Connection, sheets: list[SheetData], problems: Problems, progress=None, *,
              scope: tuple[str, ...] | None = None) -> list[SheetPlan]:
    """Check references, duplicates and cycles; diff against the store. Problems go to ``problems``.

    ``scope``: street codes a street staff member may write (see :mod:`dashboard.ledger.scope`);
    ``None``: no restriction."""
    by_sheet: dict[str, list[SheetData]] = {}
    for s in sheets:
        by_sheet.setdefault(s.spec.name, []).append(s)
    snap = Snapshot(conn, set(by_sheet))

    # codes defined in this import, per referenced kind
    defined: dict[str, set[str]] = {}
    for kind, spec_name in ((ORG, "党组织"), (PERSON, "人员"), (TEAM, "志愿队伍"), (SITE, "站点"), (ACTIVITY, "活动")):
        defined[kind] = {r.values["code"] for s in by_sheet.get(spec_name, ()) for r in s.rows
                         if isinstance(r.values.get("code"), str)}
    file_streets: dict[str, str] = {}   # code or name -> code
    for s in by_sheet.get("街道", ()):
        for r in s.rows:
            code, name = r.values.get("code"), r.values.get("name")
            if isinstance(code, str):
                file_streets[code] = code
                if isinstance(name, str):
                    file_streets.setdefault(name, code)

    # a street renamed by this import is no longer known by its old name (the same file must
    # give the same answer when imported again)
    renamed = set(file_streets.values())
    store_names = {n: c for n, c in snap.street_names.items() if c not in renamed}

    def street_code(value: str) -> str | None:
        if value in file_streets:
            return file_streets[value]
        if value in snap.streets:
            return value
        return store_names.get(value)

    # rows the plan accepted, for the scope check: (spec, row, values, stored row, status, diff)
    entries: list[tuple] | None = [] if scope is not None else None
    plans = []
    for spec in SHEETS:
        parts = by_sheet.get(spec.name)
        if not parts:
            continue
        plan = SheetPlan(spec)
        store_rows = snap.rows[spec.name]
        seen: dict[tuple, Row] = {}
        ref_cols = [c for c in spec.cols if c.kind == REF]
        done = 0
        for part in parts:
            compare = [f for f in part.fields if f not in spec.key and f != "coord_system"]
            for row in part.rows:
                done += 1
                if progress and done % 10000 == 0:
                    progress(f"核对「{spec.name}」", done, None)
                v = row.values
                where = {"file": row.file, "sheet": spec.name, "row": row.num}
                ok = all(x is not INVALID for x in v.values())
                for col in ref_cols:
                    value = v.get(col.field)
                    if value is None or value is INVALID:
                        continue
                    if col.ref == STREET:
                        code = street_code(value)
                        if code is None:
                            problems.error(f"未知的街道「{value}」(应为本区街道的编码或名称)", column=col.header, **where)
                            ok = False
                        else:
                            v[col.field] = code
                    elif value not in defined[col.ref] and value not in snap.ids[col.ref]:
                        problems.error(f"未知的{REF_NOUN[col.ref]}编码「{value}」(本次导入和现有数据中都没有)",
                                       column=col.header, **where)
                        ok = False
                if spec.name == "党组织" and v.get("parent_code") is not None and v.get("parent_code") == v.get("code"):
                    problems.error("上级组织不能是本组织自己", column="上级组织编码", **where)
                    ok = False
                key = tuple(v.get(f) for f in spec.key)
                if any(k is None or k is INVALID for k in key):
                    continue
                first = seen.get(key)
                if first is not None:
                    other = f"文件「{first.file}」" if first.file != row.file else ""
                    problems.error(f"与{other}第{first.num}行重复({'、'.join(map(str, key))})",
                                   column=spec.key_headers[0], **where)
                    continue
                seen[key] = row
                plan.counts.rows += 1
                if not ok:
                    continue
                old = store_rows.get(key, _MISSING) if spec.table != "participations" else (
                    None if key in store_rows else _MISSING)
                if old is _MISSING:
                    plan.counts.new += 1
                    plan.inserts.append(v)
                    if entries is not None:
                        entries.append((spec, row, v, None, NEW, None))
                    continue
                if spec.table == "participations":
                    plan.counts.unchanged += 1
                    if entries is not None:
                        entries.append((spec, row, v, None, UNCHANGED, None))
                    continue
                diff = {f: v[f] for f in compare if not _same(v[f], old.get(f))}
                if spec.year_of and not _agrees(spec, part.fields, v, old, problems, where):
                    continue
                if entries is not None:
                    entries.append((spec, row, v, old, CHANGED if diff else UNCHANGED, diff))
                if not diff:
                    plan.counts.unchanged += 1
                    continue
                if spec.period and old.get(spec.period[1]) is None and diff.get(spec.period[1]) is not None:
                    plan.counts.closed += 1
                else:
                    plan.counts.changed += 1
                plan.updates.append((old.get("id", old.get("code")), diff))
        plans.append(plan)
    if "党组织" in by_sheet:
        _check_cycles(by_sheet["党组织"], snap, problems)
    name_check = by_sheet.get("街道")
    if name_check:
        _check_street_names(name_check, snap, problems)
    if entries is not None:
        check_scope(conn, scope, snap.streets, by_sheet, entries, problems)
    return plans


_MISSING = object()


def _agrees(spec: Sheet, fields, v: dict, old: dict, problems: Problems, where: dict) -> bool:
    """A new year against the stored date when the file leaves the date column out (the reader
    checks a date and a year given together)."""
    day_field, year_field = spec.year_of
    day = old.get(day_field)
    if day_field in fields or year_field not in v or day is None or v[year_field] == day.year:
        return True
    problems.error(f"{spec.col(year_field).header} {v[year_field]} 与现有数据中的{spec.col(day_field).header} "
                   f"{day.isoformat()} 不一致(请同时填写{spec.col(day_field).header})",
                   column=spec.col(year_field).header, **where)
    return False


def _check_cycles(parts: list[SheetData], snap: Snapshot, problems: Problems) -> None:
    parent = {}
    for key, row in snap.rows["党组织"].items():
        parent[key[0]] = row.get("parent_code")
    rows = {}
    for s in parts:
        for r in s.rows:
            code = r.values.get("code")
            if isinstance(code, str) and "parent_code" in r.values:
                p = r.values["parent_code"]
                parent[code] = p if isinstance(p, str) else None
                rows[code] = r
    for code, r in rows.items():
        cur, steps = parent.get(code), 0
        while cur is not None and steps <= len(parent):
            if cur == code:
                problems.error("上级组织关系形成循环", file=r.file, sheet="党组织", row=r.num, column="上级组织编码")
                break
            cur, steps = parent.get(cur), steps + 1


def _check_street_names(parts: list[SheetData], snap: Snapshot, problems: Problems) -> None:
    owner = {name: code for name, code in snap.street_names.items()}
    file_owner: dict[str, str] = {}
    for s in parts:
        for r in s.rows:
            code, name = r.values.get("code"), r.values.get("name")
            if not isinstance(code, str) or not isinstance(name, str):
                continue
            other = file_owner.get(name)
            if other is not None and other != code:
                problems.error(f"街道名称「{name}」与街道编码 {other} 重名", file=r.file, sheet="街道", row=r.num, column="街道名称")
                continue
            file_owner[name] = code
    renamed = {code for code in file_owner.values()}
    for name, code in file_owner.items():
        holder = owner.get(name)
        if holder is not None and holder != code and holder not in renamed:
            row = next(r for s in parts for r in s.rows if r.values.get("name") == name)
            problems.error(f"街道名称「{name}」已被现有街道编码 {holder} 使用", file=row.file, sheet="街道", row=row.num, column="街道名称")
