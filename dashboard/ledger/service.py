"""The import as a service: check (preview) and apply, with the audit log."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, desc, select, update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.ledger.contract import ORG, REF_SHEET, SHEETS
from dashboard.ledger.plan import REF_FIELDS, REF_TABLE, SheetCounts, SheetPlan, Snapshot, make_plan
from dashboard.ledger.problems import Problem, Problems
from dashboard.ledger.reader import DEFAULTS, FileInfo, Limits, SheetData, read_files
from dashboard.ledger.scope import resolve
from dashboard.schema import Base, ImportLog
from dashboard.store import Store, bulk_insert, utcnow

T = Base.metadata.tables
KIND_OF_TABLE = {table: kind for kind, table in REF_TABLE.items()}

APPLIED, UNCHANGED, REJECTED, FAILED = "applied", "unchanged", "rejected", "failed"
OUTCOME_ZH = {APPLIED: "已导入", UNCHANGED: "无变化", REJECTED: "未通过检查", FAILED: "导入失败"}


class LedgerError(Exception):
    """Base of the ledger's own errors."""


class LedgerValidationError(LedgerError):
    """The files have problems (see ``preview.problems``); nothing was written."""

    def __init__(self, preview: Preview):
        self.preview = preview
        first = next((str(p) for p in preview.problems if p.is_error), "")
        super().__init__(f"{preview.errors} 个问题,未导入任何数据。{first}")


class LedgerApplyError(LedgerError):
    """The store refused the changes (e.g. it is unreachable); nothing was written."""


class LedgerScopeError(LedgerError):
    """The preview was checked for other streets than it is applied for; nothing was written."""

    def __init__(self, message: str, preview: Preview):
        self.preview = preview
        super().__init__(message)


@dataclass
class Preview:
    """What an import would do (or did): per-sheet counts, and every problem found."""
    files: list[FileInfo]
    sheets: dict[str, SheetCounts]
    problems: list[Problem]
    errors: int
    notices: int
    omitted: int = 0
    applied: bool = False
    outcome: str | None = None
    log_id: int | None = None
    seconds: float = 0.0
    # the street codes the rows were checked for (街道工作人员); None: no restriction. apply()
    # refuses a preview for another scope, and re-checks with this one.
    streets: tuple[str, ...] | None = None
    _data: list[SheetData] = field(default_factory=list, repr=False)
    _read_notices: list[Problem] = field(default_factory=list, repr=False)  # the reader's, kept by apply()

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def changes(self) -> int:
        return sum(c.new + c.changed + c.closed for c in self.sheets.values())

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "applied": self.applied, "outcome": self.outcome, "log_id": self.log_id,
            "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in self.files],
            "sheets": {name: c.to_json() for name, c in self.sheets.items()},
            "errors": self.errors, "notices": self.notices, "omitted": self.omitted,
            "streets": None if self.streets is None else list(self.streets),
            "problems": [p.to_json() for p in self.problems],
            "seconds": round(self.seconds, 3),
        }

    def table(self) -> list[str]:
        """The per-sheet counts as text lines (Chinese)."""
        lines = [f"{'工作表':<6}\t行数\t新增\t修改\t结束\t无变化"]
        for name, c in self.sheets.items():
            lines.append(f"{name:<6}\t{c.rows}\t{c.new}\t{c.changed}\t{c.closed}\t{c.unchanged}")
        return lines


ProgressFn = "Callable[[str, int, int | None], None]"


def _load_files(files, limits: Limits, problems: Problems) -> list[tuple[str, bytes]]:
    """(name, bytes) pass through; (name, Path) or a Path are read unless too large."""
    out = []
    for item in files:
        if isinstance(item, (str, Path)):
            item = (Path(item).name, Path(item))
        name, content = item
        if isinstance(content, (str, Path)):
            path = Path(content)
            try:
                size = path.stat().st_size
                if size > limits.max_bytes:
                    problems.error(f"文件大小 {size / 1048576:.1f} MB 超过上限 {limits.max_bytes / 1048576:.0f} MB;"
                                   "请拆分为几个文件分别导入,或请管理员调高上限", file=name)
                    continue
                content = path.read_bytes()
            except OSError as exc:
                problems.error(f"无法打开文件:{exc.strerror or exc}", file=name)
                continue
        out.append((name, bytes(content)))
    return out


def _parse(files, limits: Limits | None, progress) -> tuple[list[SheetData], list[FileInfo], Problems]:
    limits = limits or Limits()
    problems = Problems(limits.max_problems)
    loaded = _load_files(files, limits, problems)
    data, infos = read_files(loaded, limits, problems, progress) if loaded else ([], [])
    if not loaded and not problems.errors:
        problems.error("没有收到任何文件")
    return data, infos, problems


def _preview(data, infos, problems: Problems, plans: list[SheetPlan], started: float,
             streets: tuple[str, ...] | None, read_notices: list[Problem]) -> Preview:
    return Preview(
        files=infos, sheets={p.spec.name: p.counts for p in plans}, problems=problems.listed(),
        errors=problems.errors, notices=problems.notices, omitted=problems.omitted,
        seconds=time.perf_counter() - started, streets=streets, _data=data, _read_notices=read_notices,
    )


def check(store: Store, files, *, limits: Limits | None = None, progress=None,
          streets: tuple[str, ...] | None = None) -> Preview:
    """Read and check files, and diff them against the store. Writes nothing, logs nothing.

    ``files``: a list of (file name, bytes), or of paths. ``streets``: for street staff, the
    codes (or names) of their streets: every row to be written must belong to one of them
    (:mod:`dashboard.ledger.scope`); ``None``: no restriction. Never raises on bad input: the
    problems are in ``Preview.problems`` and ``Preview.ok`` is False."""
    started = time.perf_counter()
    data, infos, problems = _parse(files, limits, progress)
    read_notices = [p for p in problems.items if not p.is_error]
    plans: list[SheetPlan] = []
    scope = None
    if data or streets is not None:
        with store.engine.connect() as conn:
            scope = resolve(conn, streets)
            if data:
                plans = make_plan(conn, data, problems, progress, scope=scope)
    return _preview(data, infos, problems, plans, started, scope, read_notices)


def apply(store: Store, preview: Preview, *, user: str | None = None, progress=None,
          streets: tuple[str, ...] | None = None) -> Preview:
    """Apply a checked preview in one transaction and record it in the audit log.

    The checks and the diff are run again inside the transaction, against the store as it is
    then, for the streets the preview was checked for. ``streets`` must name those same streets
    (``None`` for a preview checked without a restriction): otherwise :class:`LedgerScopeError`
    (nothing written, attempt logged as rejected). Raises :class:`LedgerValidationError`
    (nothing written, attempt logged as rejected) when there are problems,
    :class:`LedgerApplyError` when the store fails."""
    started = time.perf_counter()
    _same_scope(store, preview, streets, user)
    if not preview.ok:
        preview.outcome = REJECTED
        preview.log_id = _log_apart(store, preview, user, REJECTED, _first_error(preview))
        raise LedgerValidationError(preview)
    problems = Problems()
    for p in preview._read_notices:  # the reader's notices still hold; the checks against the store are redone
        problems.add(p.level, p.message, file=p.file, sheet=p.sheet, row=p.row, column=p.column)
    try:
        with store.engine.begin() as conn:
            plans = make_plan(conn, preview._data, problems, progress, scope=preview.streets)
            result = _preview(preview._data, preview.files, problems, plans, started, preview.streets,
                              preview._read_notices)
            if not result.ok:
                raise _Rejected(result)
            _execute(conn, plans, progress)
            result.outcome = APPLIED if result.changes else UNCHANGED
            result.applied = True
            result.log_id = _log(conn, result, user, result.outcome, None)
    except _Rejected as rejected:
        result = rejected.preview
        result.outcome = REJECTED
        result.log_id = _log_apart(store, result, user, REJECTED, _first_error(result))
        raise LedgerValidationError(result) from None
    except SQLAlchemyError as exc:
        preview.outcome = FAILED
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        try:
            preview.log_id = _log_apart(store, preview, user, FAILED, message)
        except SQLAlchemyError:
            pass
        raise LedgerApplyError(f"数据库写入失败,未导入任何数据({message})") from exc
    result.seconds = time.perf_counter() - started
    return result


def import_files(store: Store, files, *, dry_run: bool = False, user: str | None = None,
                 limits: Limits | None = None, progress=None, streets: tuple[str, ...] | None = None) -> Preview:
    """Check, then (unless ``dry_run``) apply, for ``streets`` (see :func:`check`).
    Raises LedgerValidationError on problems when applying."""
    preview = check(store, files, limits=limits, progress=progress, streets=streets)
    if dry_run:
        return preview
    return apply(store, preview, user=user, progress=progress, streets=streets)


def _scope_text(names: dict[str, str], scope: tuple[str, ...] | None) -> str:
    if scope is None:
        return "不限街道"
    return "、".join(names.get(c, c) for c in scope) or "无"


def _same_scope(store: Store, preview: Preview, streets, user: str | None) -> None:
    """Refuse (and log) a preview checked for other streets than ``streets``."""
    if streets is None and preview.streets is None:
        return
    st = T["streets"]
    try:
        with store.engine.connect() as conn:
            scope = resolve(conn, streets)
            names = dict(conn.execute(select(st.c.code, st.c.name)).all())
    except SQLAlchemyError as exc:
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        raise LedgerApplyError(f"数据库读取失败,未导入任何数据({message})") from exc
    if scope == preview.streets:
        return
    message = (f"该预览按街道范围({_scope_text(names, preview.streets)})检查,与本次导入的街道范围"
               f"({_scope_text(names, scope)})不符,未导入任何数据;请按您的街道范围重新检查文件")
    preview.outcome = REJECTED
    preview.log_id = _log_apart(store, preview, user, REJECTED, message)
    raise LedgerScopeError(message, preview)


class _Rejected(Exception):
    def __init__(self, preview: Preview):
        self.preview = preview


def _first_error(preview: Preview) -> str:
    return next((str(p) for p in preview.problems if p.is_error), "")


def _db_values(values: dict, snap: Snapshot, *, with_parent: bool = True) -> dict:
    out = {}
    for fld, value in values.items():
        if fld in REF_FIELDS:
            col, kind = REF_FIELDS[fld]
            if fld == "parent_code" and not with_parent:
                continue
            out[col] = None if value is None else snap.ids[kind][value]
        else:
            out[fld] = value
    return out


def _complete(table, row: dict) -> dict:
    """A full row for a bulk insert: every column but an autoincrement id."""
    out = {}
    for c in table.columns:
        if c.name == "id" and "id" not in row:
            continue
        out[c.name] = row.get(c.name, DEFAULTS.get(c.name))
    return out


def _execute(conn, plans: list[SheetPlan], progress) -> None:
    snap = Snapshot(conn, set())
    for plan in plans:
        spec, table = plan.spec, T[plan.spec.table]
        if progress and plan.changes:
            progress(f"写入「{spec.name}」", 0, plan.changes)
        kind = KIND_OF_TABLE.get(spec.table)
        if plan.inserts:
            rows = [_complete(table, _db_values(v, snap, with_parent=False)) for v in plan.inserts]
            bulk_insert(conn, table, rows)
            if kind is not None:
                snap.reload_ids(kind)
        updates = list(plan.updates)
        if spec.table == "organisations":
            # parents are linked once every organisation of the import exists
            updates += [(snap.ids[ORG][v["code"]], {"parent_code": v["parent_code"]})
                        for v in plan.inserts if v.get("parent_code")]
        if not updates:
            continue
        key_col = table.c.code if spec.table == "streets" else table.c.id
        groups: dict[tuple, list[dict]] = {}
        for key, diff in updates:
            values = _db_values(diff, snap)
            groups.setdefault(tuple(sorted(values)), []).append({"_k": key, **{f"v_{c}": x for c, x in values.items()}})
        for cols, params in groups.items():
            stmt = update(table).where(key_col == bindparam("_k")).values({c: bindparam(f"v_{c}") for c in cols})
            conn.execute(stmt, params)


def _log_row(preview: Preview, user: str | None, outcome: str, message: str | None) -> dict:
    counts = {name: c.to_json() for name, c in preview.sheets.items()}
    counts["_problems"] = {"errors": preview.errors, "notices": preview.notices}
    if preview.streets is not None:
        counts["_streets"] = list(preview.streets)
    return {
        "at": utcnow(),
        "user_name": user,
        "file_name": ", ".join(f.name for f in preview.files) or "(无文件)",
        "sha256": ",".join(f.sha256 for f in preview.files),
        "counts": json.dumps(counts, ensure_ascii=False),
        "outcome": outcome,
        "message": (message or None) and message[:2000],
    }


def _log(conn, preview: Preview, user: str | None, outcome: str, message: str | None) -> int:
    t = ImportLog.__table__
    return conn.execute(t.insert().returning(t.c.id), _log_row(preview, user, outcome, message)).scalar_one()


def _log_apart(store: Store, preview: Preview, user: str | None, outcome: str, message: str | None) -> int:
    with store.engine.begin() as conn:
        return _log(conn, preview, user, outcome, message)


def import_log(store: Store, limit: int = 100) -> list[dict]:
    """The newest audit-log entries first, as plain dicts (counts decoded)."""
    t = ImportLog.__table__
    with store.engine.connect() as conn:
        rows = conn.execute(select(t).order_by(desc(t.c.id)).limit(limit)).all()
    out = []
    for r in rows:
        d = r._asdict()
        d["counts"] = json.loads(d["counts"])
        d["outcome_zh"] = OUTCOME_ZH.get(d["outcome"], d["outcome"])
        out.append(d)
    return out


__all__ = [
    "LedgerError", "LedgerValidationError", "LedgerApplyError", "LedgerScopeError", "Preview", "check", "apply",
    "import_files", "import_log", "REF_SHEET", "SHEETS",
]
