"""Backups of the whole store as one portable file, and restores from it.

A backup is a SQLite database file: every table of the store at the store's schema revision
(``alembic_version`` included, so the file is itself a store the dashboard can open), plus a
``backup_info`` table (key → JSON value): the format and its version, the schema revision, when
it was made, the source dialect and the row count of every table.

- SQLite store: sqlite3's online backup API copies the pages in one step, inside one read
  transaction; in WAL mode the app keeps writing meanwhile and the copy is the store as of the
  moment the step began.
- PostgreSQL store: every table is read inside one REPEATABLE READ READ ONLY transaction (one
  snapshot for all tables), through server-side cursors, and written into a SQLite file made by
  the same migrations, batch by batch: memory stays bounded whatever the store's size.

A restore checks the file first (SQLite, ``backup_info`` of this format and version, a schema
revision this code knows, ``PRAGMA quick_check``, row counts as recorded), brings a backup of an
older revision up to date on a temporary copy, migrates the target store, then in ONE transaction
deletes every table's rows (children first) and inserts the backup's (parents first, in batches),
moves PostgreSQL id sequences past the restored ids and bumps ``store_state.version``. Either all
of it is restored or nothing changes. Users, their streets, links, the import log and the audit
trail are restored too: a backup is the whole store. Two things stay the target's own: its
``store_state`` counter (it only goes up, so pages and caches see new data) and its ``instance``
id in ``store_meta`` (the identity of this store, which shared caches key on). And a restore ends
every session: each user's ``session_epoch`` is moved past every epoch the target had handed out.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Integer, LargeBinary, MetaData, Table, column, create_engine, func, inspect, select, table, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from dashboard.schema import Base, StoreState
from dashboard.store import MIGRATIONS, Store, utcnow

FORMAT = "zhangqiu-dashboard-backup"
FORMAT_VERSION = 1
INFO_TABLE = "backup_info"
BATCH = 5000
BLOB_BATCH = 8  # rows per batch of a table with binary columns (pending_imports keeps uploaded files)
SQLITE_HEADER = b"SQLite format 3\x00"
# tables a restore never copies from the file: the change counter stays the target's (it goes up)
KEEP_TARGET_TABLES = ("store_state", "check_slots", "leases")  # the target's own running state
# store_meta keys that stay the target's: its identity (caches shared across stores key on it)
KEEP_TARGET_META = ("instance",)
_NOT_DATA = ("alembic_version", INFO_TABLE)


class BackupError(RuntimeError):
    """A backup cannot be made or a file cannot be restored; the message is one line, 中文 · English."""

    def __init__(self, zh: str, en: str):
        # SQLite's own reports (quick_check) run over several lines: the message stays one
        en = " / ".join(line.strip() for line in en.splitlines() if line.strip())
        super().__init__(f"{zh} · {en}")
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class BackupInfo:
    """What ``backup_info`` says about a backup file."""
    path: Path
    format_version: int
    schema_revision: str
    created_at: str
    source_dialect: str
    counts: dict[str, int]
    instance: str | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    before: dict[str, int | None]
    after: dict[str, int]
    version_before: int
    version_after: int


# ---------------------------------------------------------------------------------------------
# the migrations this code knows


def _alembic_config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str:
    return _scripts().get_current_head()


def known_revisions() -> set[str]:
    return {s.revision for s in _scripts().walk_revisions()}


def _check_revision(revision: str | None, what: str) -> str:
    if revision is None:
        raise BackupError(f"{'存储' if what == 'store' else '备份'}没有数据库结构版本(未初始化?)",
                          f"the {what} has no schema revision (run `python -m dashboard init-db`?)")
    if revision not in known_revisions():
        raise BackupError(f"{'存储' if what == 'store' else '备份'}的数据库结构版本 {revision} 比本程序新(或未知)",
                          f"the {what} is at schema revision {revision}, newer than (or unknown to) this code "
                          f"(newest known: {head_revision()})")
    return revision


def _upgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


# ---------------------------------------------------------------------------------------------
# table order and counts


def table_order(names: Iterable[str]) -> list[str]:
    """Table names as dashboard/schema.py declares them (data, then users and logs), unknown ones last."""
    names = set(names)
    known = [name for name in Base.metadata.tables if name in names]
    return known + sorted(names - set(known))


def table_counts(store: Store) -> dict[str, int | None]:
    """Rows per table of the code's schema, in :func:`table_order`; None for a table the store lacks."""
    present = set(inspect(store.engine).get_table_names())
    out: dict[str, int | None] = {}
    with store.engine.connect() as conn:
        for t in Base.metadata.tables.values():
            out[t.name] = conn.execute(select(func.count()).select_from(t)).scalar_one() if t.name in present else None
    return out


def _sqlite_counts(con: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    names = [n for n in names if n not in _NOT_DATA]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in table_order(names)}


# ---------------------------------------------------------------------------------------------
# backup


def backup(store: Store, out: str | os.PathLike) -> BackupInfo:
    """Write the whole store to ``out`` (written beside it first, then renamed: a file at ``out``
    is always a complete backup). Online: the app may keep serving and writing meanwhile."""
    out = Path(out).expanduser().resolve()
    if store.dialect == "sqlite":
        db = store.engine.url.database
        if db and db != ":memory:" and Path(db).resolve() == out:
            raise BackupError("备份文件不能是存储本身", f"the backup file cannot be the store itself: {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if store.dialect == "sqlite":
            _copy_sqlite(store, partial)
        else:
            _copy_snapshot(store, partial)
        info = _seal(partial, store.dialect)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(out, info.format_version, info.schema_revision, info.created_at, info.source_dialect,
                      info.counts, info.instance)


def _copy_sqlite(store: Store, target: Path) -> None:
    raw = store.engine.raw_connection()
    try:
        dst = sqlite3.connect(target)
        try:
            # pages=-1: all pages in one step, inside one read transaction, so the copy is one
            # consistent state; in WAL mode writers are not blocked meanwhile
            raw.driver_connection.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        raw.close()


def _copy_snapshot(store: Store, target: Path) -> None:
    """Any non-SQLite store (PostgreSQL): one read-only snapshot, streamed into a SQLite file made
    by the same migrations as the store's revision."""
    options = {"isolation_level": "REPEATABLE READ"}
    if store.dialect == "postgresql":
        options["postgresql_readonly"] = True
    with store.engine.connect().execution_options(**options) as src:
        # the first query fixes the snapshot: the revision and every row come from the same moment
        revision = src.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        _check_revision(revision, "store")
        dst_engine = create_engine(f"sqlite:///{target}")
        try:
            _upgrade(dst_engine, revision)
            with dst_engine.connect() as dst:
                triggers = dst.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
                for name, _sql in triggers:  # per-row triggers would run once per copied row
                    dst.exec_driver_sql(f'DROP TRIGGER "{name}"')
                dst.commit()
            meta = MetaData()
            meta.reflect(dst_engine)
            with dst_engine.begin() as dst:
                for t in meta.sorted_tables:
                    if t.name in _NOT_DATA:
                        continue
                    dst.execute(t.delete())
                    cols = [c.name for c in t.columns]
                    stmt = select(*[column(c) for c in cols]).select_from(table(t.name))
                    stmt = stmt.order_by(*[column(c.name) for c in t.primary_key.columns])
                    result = src.execute(stmt.execution_options(yield_per=_batch_size(t)))
                    for part in result.partitions():
                        dst.execute(t.insert(), [dict(zip(cols, row)) for row in part])
                for _name, sql in triggers:
                    dst.exec_driver_sql(sql)
        finally:
            dst_engine.dispose()


def _seal(path: Path, dialect: str) -> BackupInfo:
    """Add ``backup_info`` to a copied store file, make it one self-contained file, check it."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm companions: one portable file
        revision = _check_revision(_sqlite_revision(con), "store")
        counts = _sqlite_counts(con)
        instance = None
        if "store_meta" in counts:
            row = con.execute("SELECT value FROM store_meta WHERE key = 'instance'").fetchone()
            instance = json.loads(row[0]).get("id") if row else None
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        values = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
                  "created_at": created, "source_dialect": dialect, "source_instance": instance, "counts": counts}
        with con:
            con.execute(f"CREATE TABLE {INFO_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.executemany(f"INSERT INTO {INFO_TABLE} (key, value) VALUES (?, ?)",
                            [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])
        check = con.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise BackupError("备份文件自检失败", f"the new backup file fails its check: {check[:3]}")
    finally:
        con.close()
    return BackupInfo(path, FORMAT_VERSION, revision, created, dialect, counts, instance)


def _sqlite_revision(con: sqlite3.Connection) -> str | None:
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


# ---------------------------------------------------------------------------------------------
# reading and checking a backup file


def _open_readonly(path: Path) -> sqlite3.Connection:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


def _not_a_backup(path: Path, why_zh: str, why_en: str) -> BackupError:
    return BackupError(f"不是看板备份文件({why_zh})", f"not a dashboard backup file ({why_en}): {path}")


def read_info(path: str | os.PathLike) -> BackupInfo:
    """The file's ``backup_info``, refusing (BackupError) anything that is not a backup of this format."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupError("找不到备份文件", f"no such backup file: {path}")
    with open(path, "rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise _not_a_backup(path, "不是 SQLite 文件", "not a SQLite file")
    try:
        con = _open_readonly(path)
        try:
            rows = con.execute(f"SELECT key, value FROM {INFO_TABLE}").fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError:
        raise _not_a_backup(path, f"没有 {INFO_TABLE} 表", f"no {INFO_TABLE} table") from None
    except sqlite3.DatabaseError as exc:
        raise BackupError("备份文件已损坏", f"the backup file is damaged ({exc}): {path}") from None
    try:
        values = {k: json.loads(v) for k, v in rows}
    except (TypeError, ValueError):
        raise _not_a_backup(path, f"{INFO_TABLE} 无法读取", f"unreadable {INFO_TABLE}") from None
    if values.get("format") != FORMAT:
        raise _not_a_backup(path, f"格式 {values.get('format')!r}", f"format {values.get('format')!r}")
    if values.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {values.get('format_version')} 不受支持(本程序读 {FORMAT_VERSION})",
                          f"backup format version {values.get('format_version')!r} is not supported "
                          f"(this code reads {FORMAT_VERSION}): {path}")
    counts = values.get("counts")
    if not isinstance(counts, dict) or not isinstance(values.get("schema_revision"), str):
        raise _not_a_backup(path, f"{INFO_TABLE} 不完整", f"incomplete {INFO_TABLE}")
    return BackupInfo(path, FORMAT_VERSION, values["schema_revision"], str(values.get("created_at")),
                      str(values.get("source_dialect")), {str(k): int(v) for k, v in counts.items()},
                      values.get("source_instance"))


def verify(path: str | os.PathLike) -> BackupInfo:
    """:func:`read_info`, and the file is whole: a schema revision this code knows, SQLite's
    ``quick_check`` passes and every table holds the rows ``backup_info`` counted."""
    info = read_info(path)
    _check_revision(info.schema_revision, "backup")
    try:
        con = _open_readonly(info.path)
        try:
            check = con.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise BackupError("备份文件已损坏", f"the backup file is damaged ({check[0][0]}): {info.path}")
            found = _sqlite_counts(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError("备份文件已损坏", f"the backup file is damaged ({exc}): {info.path}") from None
    if found != info.counts:
        wrong = sorted(n for n in set(found) | set(info.counts) if found.get(n) != info.counts.get(n))
        raise BackupError("备份文件的行数与记录不符", f"the backup file's row counts differ from its record ({', '.join(wrong)}): "
                          f"{info.path}")
    return info


# ---------------------------------------------------------------------------------------------
# restore


def restore(store: Store, path: str | os.PathLike, info: BackupInfo | None = None) -> RestoreResult:
    """Replace the store's contents with the backup's, in one transaction (see the module doc).
    ``info`` is the file's :func:`verify` result when the caller has just checked it."""
    info = info or verify(path)
    with tempfile.TemporaryDirectory(prefix="dashboard-restore-") as tmp:
        if info.schema_revision != head_revision():
            # an older backup: bring a copy up to date with the same migrations as the store
            work = Path(tmp) / "backup.sqlite3"
            shutil.copyfile(info.path, work)
            src_engine = create_engine(f"sqlite:///{work}")
            _upgrade(src_engine, "head")
        else:
            src_engine = create_engine("sqlite://", creator=lambda: _open_readonly(info.path))
        try:
            store.migrate()
            before = table_counts(store)
            version_before = store.version().version
            try:
                with src_engine.connect() as src, store.engine.begin() as dst:
                    after = _replace_all(src, dst)
            except (SQLAlchemyError, store.engine.dialect.loaded_dbapi.Error) as exc:
                # rolled back by the transaction's end; COPY's errors come from the driver itself
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                raise BackupError("恢复失败,已全部撤销,存储数据未改动",
                                  f"the restore failed and was rolled back, the store's data is unchanged: {reason}") from exc
            version_after = store.version().version
        finally:
            src_engine.dispose()
    # fresh planner statistics for the new rows (outside the transaction: ANALYZE is advisory)
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            q = conn.dialect.identifier_preparer
            conn.exec_driver_sql("ANALYZE " + ", ".join(q.format_table(t) for t in Base.metadata.sorted_tables))
        else:
            conn.exec_driver_sql("ANALYZE")
    return RestoreResult(info, before, after, version_before, version_after)


def _replace_all(src: Connection, dst: Connection) -> dict[str, int]:
    tables = [t for t in Base.metadata.sorted_tables if t.name not in KEEP_TARGET_TABLES]
    present = set(inspect(src).get_table_names())
    missing = [t.name for t in tables if t.name not in present]
    if missing:
        raise BackupError("备份缺少数据表", f"the backup lacks tables: {', '.join(missing)}")
    meta = Base.metadata.tables["store_meta"]
    # the first write: on SQLite the transaction (and its write lock) begins here
    dst.execute(meta.delete().where(meta.c.key.not_in(KEEP_TARGET_META)))
    users = Base.metadata.tables["users"]
    epoch = users.c.get("session_epoch")
    # every session ends: the restored users' epochs go past any this store has handed out, so
    # neither today's cookies nor ones ended since the backup was made are valid again
    past_epochs = (dst.execute(select(func.max(epoch))).scalar_one() or 0) + 1 if epoch is not None else 0
    if dst.dialect.name == "postgresql":
        # one TRUNCATE of all the tables (transactional in PostgreSQL): a DELETE would check each
        # parent row against the children's deleted rows, which stay in the heap until the commit
        # (participations has no index on person_id: hours at a million rows). It locks the tables
        # until the commit: pages wait for the restore instead of reading the old rows meanwhile.
        q = dst.dialect.identifier_preparer
        dst.exec_driver_sql("TRUNCATE " + ", ".join(q.format_table(t) for t in tables if t is not meta))
    else:
        for t in reversed(tables):  # children first
            if t is not meta:
                dst.execute(t.delete())
    after: dict[str, int] = {}
    for t in tables:
        stmt = select(t)
        if t.name == "store_meta":
            stmt = stmt.where(t.c.key.not_in(KEEP_TARGET_META))
        stmt = stmt.order_by(*t.primary_key.columns)
        cols = [c.name for c in t.columns]
        rows = src.execute(stmt.execution_options(yield_per=_batch_size(t)))
        n = 0
        for batch in _batches_for(t, rows):
            _insert(dst, t, cols, batch)
            n += len(batch)
        after[t.name] = n
        # the file's counts were checked against backup_info; an older backup's upgraded copy may differ
        count = select(func.count()).select_from(t)
        if t.name == "store_meta":
            count = count.where(t.c.key.not_in(KEEP_TARGET_META))
        expected = src.execute(count).scalar_one()
        if n != expected:
            raise BackupError("恢复的行数与备份不符,未做任何改动", f"restored {n} rows of {t.name}, the backup holds {expected}; "
                              "nothing was changed")
    if epoch is not None:
        dst.execute(users.update().values({epoch: epoch + past_epochs}))
    if dst.dialect.name == "postgresql":
        _advance_sequences(dst, tables)
    dst.execute(update(StoreState).where(StoreState.id == 1).values(
        version=StoreState.version + 1, changed_at=utcnow()))
    after["store_meta"] = dst.execute(select(func.count()).select_from(Base.metadata.tables["store_meta"])).scalar_one()
    return after


def _batches_for(t: Table, rows) -> Iterator[list[tuple]]:
    """The rows in batches; a table that refers to itself (organisations.parent_id) parents first,
    so that every row's reference holds when it is inserted (such tables are small)."""
    self_refs = [fk.parent.name for fk in t.foreign_keys if fk.column.table is t]
    if not self_refs:
        for part in rows.partitions():
            yield [tuple(r) for r in part]
        return
    all_rows = [tuple(r) for r in rows]
    yield from _chunks(_parents_first(t, all_rows, self_refs), _batch_size(t))


def _batch_size(t: Table) -> int:
    return BLOB_BATCH if any(isinstance(c.type, LargeBinary) for c in t.columns) else BATCH


def _parents_first(t: Table, rows: list[tuple], refs: list[str]) -> list[tuple]:
    cols = [c.name for c in t.columns]
    target_cols = {fk.parent.name: fk.column.name for fk in t.foreign_keys if fk.column.table is t}
    key_of = {name: cols.index(target_cols[name]) for name in refs}
    ref_at = {name: cols.index(name) for name in refs}
    placed: dict[str, set] = {name: set() for name in refs}
    pending, ordered = rows, []
    while pending:
        waiting = []
        for row in pending:
            if all(row[ref_at[n]] is None or row[ref_at[n]] in placed[n] for n in refs):
                ordered.append(row)
                for n in refs:
                    placed[n].add(row[key_of[n]])
            else:
                waiting.append(row)
        if len(waiting) == len(pending):  # a cycle or a dangling reference: let the database judge
            ordered.extend(waiting)
            break
        pending = waiting
    return ordered


def _chunks(rows: list[tuple], size: int) -> Iterator[list[tuple]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert(conn: Connection, t: Table, cols: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        q = conn.dialect.identifier_preparer
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {q.format_table(t)} ({', '.join(q.quote(c) for c in cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    conn.execute(t.insert(), [dict(zip(cols, row)) for row in rows])


def _advance_sequences(conn: Connection, tables: list[Table]) -> None:
    """Move each id sequence past the restored ids, never backwards: setval is not undone by a
    rollback, so a sequence that only goes up cannot fall behind the rows if the restore fails."""
    q = conn.dialect.identifier_preparer
    for t in tables:
        pk = list(t.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                           {"t": q.format_table(t), "c": pk[0].name}).scalar_one_or_none()
        if seq is None:
            continue
        last, called = conn.execute(text(f"SELECT last_value, is_called FROM {seq}")).one()
        top = conn.execute(select(func.max(pk[0]))).scalar_one() or 0
        conn.execute(text("SELECT setval(:s, :v, false)"), {"s": seq, "v": max(top + 1, last + 1 if called else last)})


def keep_newest(directory: str | os.PathLike, keep: int, pattern: str) -> list[Path]:
    """Delete all but the ``keep`` newest files named by ``pattern`` (names sort by time); returns the deleted."""
    files = sorted(Path(directory).glob(pattern))
    old = files[:-keep] if keep > 0 else files
    for f in old:
        f.unlink(missing_ok=True)
    return old
