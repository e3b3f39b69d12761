"""``python -m dashboard backup`` / ``restore``: real stores on both backends, round trips,
cross-backend restores, an online backup under writes, and files that must be refused."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from dashboard import backup
from dashboard.access import audit
from dashboard.demo import DemoRules, seed
from dashboard.indicators import Filter, kpis
from dashboard.schema import (
    Activity,
    Honour,
    Link,
    Membership,
    Participation,
    PendingImport,
    Person,
    Problem,
    User,
    UserStreet,
)
from dashboard.store import Store
from tests.conftest import BACKENDS, make_store

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAY = dt.date(2019, 6, 1)  # a small demo: ~35,000 rows, sign-in records from 2019 included


def figures(store: Store) -> dict:
    return kpis(store.engine, Filter.district(DAY)).to_json()


def add_access_rows(store: Store) -> None:
    """Users, a staff user's street, a link and an audit entry: a backup holds them too."""
    with store.engine.begin() as conn:
        uid = conn.execute(insert(User).values(name="zhang", display_name="张某", role="staff", password_hash="x")
                           .returning(User.id)).scalar_one()
        conn.execute(insert(User).values(name="admin", display_name="管理员", role="admin", password_hash="y"))
        conn.execute(insert(UserStreet).values(user_id=uid, street_code="370114001000"))
        conn.execute(insert(Link).values(kind="screen", target="screen", query="", expires_at=dt.datetime(2030, 1, 1)))
        conn.execute(insert(PendingImport).values(token="t" * 32, owner="zhang", created_at=dt.datetime(2019, 5, 31, 8),
                                                  expires_at=dt.datetime(2030, 1, 1), state="checked", size=4,
                                                  files=bytes(range(256)) * 3))
    audit.record(store, "login", "zhang", "127.0.0.1")


def change_everything(store: Store) -> None:
    """Delete and add rows in data, access and log tables; the figures must move."""
    with store.engine.begin() as conn:
        gone = select(Activity.id).where(Activity.date >= dt.date(2019, 1, 1), Activity.id % 3 == 0)
        conn.execute(delete(Participation).where(Participation.activity_id.in_(gone)))
        conn.execute(delete(Activity).where(Activity.id.in_(gone)))
        conn.execute(delete(Membership).where(Membership.id % 5 == 0))
        conn.execute(update(Person).values(name="改名"))
        conn.execute(insert(Honour).values(title="新荣誉", recipient="某单位", awarded_on=dt.date(2019, 5, 1)))
        conn.execute(delete(UserStreet))
        conn.execute(delete(User).where(User.name == "admin"))
        conn.execute(update(PendingImport).values(files=b"changed"))
    audit.record(store, "logout", "zhang")


@contextlib.contextmanager
def new_store(backend: str, tmp_path, name: str = "other") -> Iterator[Store]:
    directory = tmp_path / name
    directory.mkdir()
    gen = make_store(backend, directory)
    try:
        yield next(gen)
    finally:
        gen.close()


@pytest.fixture(params=BACKENDS)
def seeded(request, tmp_path) -> Iterator[Store]:
    for s in make_store(request.param, tmp_path):
        s.migrate()
        seed(s, DemoRules(as_of=DAY))
        add_access_rows(s)
        yield s


def test_restore_brings_back_figures_rows_and_fresh_ids(seeded, tmp_path):
    before, counts = figures(seeded), backup.table_counts(seeded)
    instance = seeded.instance_id()
    info = backup.backup(seeded, tmp_path / "b.sqlite3")
    assert info.counts == counts and info.schema_revision == backup.head_revision()
    assert info.source_dialect == seeded.dialect
    assert counts["users"] == 2 and counts["participations"] > 1000

    change_everything(seeded)
    assert figures(seeded) != before and backup.table_counts(seeded) != counts
    changed_version = seeded.version().version
    with seeded.engine.begin() as conn:  # zhang logged out twice since the backup
        conn.execute(update(User).where(User.name == "zhang").values(session_epoch=2))

    result = backup.restore(seeded, tmp_path / "b.sqlite3")
    assert figures(seeded) == before
    assert backup.table_counts(seeded) == counts
    assert seeded.version().version > changed_version
    assert result.version_before == changed_version and result.version_after == seeded.version().version
    assert seeded.instance_id() == instance  # the store keeps its own identity
    with seeded.engine.connect() as conn:
        assert conn.execute(select(Person.name).where(Person.id == 1)).scalar_one() != "改名"
        assert conn.execute(select(func.count()).select_from(UserStreet)).scalar_one() == 1
        assert conn.execute(select(PendingImport.files)).scalar_one() == bytes(range(256)) * 3
        # every session ended: epochs past any handed out before (the backup's 0, the store's 2)
        assert set(conn.execute(select(User.session_epoch)).scalars()) == {3}

    # new rows get fresh ids (PostgreSQL: the sequences were moved past the restored ids)
    with seeded.engine.begin() as conn:
        top = conn.execute(select(func.max(Honour.id))).scalar_one()
        new = conn.execute(insert(Honour).values(title="恢复后", recipient="某", awarded_on=DAY).returning(Honour.id)).scalar_one()
        assert new > top
        conn.execute(insert(Person).values(code="P-NEW", name="新人", gender="男", birth_year=1950, cadre_type="退休"))
        conn.execute(insert(User).values(name="new", display_name="新", role="leader", password_hash="z"))
        conn.execute(insert(Problem).values(campaign="c", description="d", found_on=DAY))
    audit.record(seeded, "login", "new")


@pytest.mark.postgres
def test_a_sqlite_backup_restored_into_postgresql_and_back_gives_the_same_figures(tmp_path):
    with new_store("sqlite", tmp_path, "lite") as lite, new_store("postgresql", tmp_path, "pg") as pg:
        lite.migrate()
        seed(lite, DemoRules(as_of=DAY))
        add_access_rows(lite)
        before, counts = figures(lite), backup.table_counts(lite)
        backup.backup(lite, tmp_path / "lite.sqlite3")

        backup.restore(pg, tmp_path / "lite.sqlite3")  # a fresh, unmigrated schema: migrated first
        assert figures(pg) == before
        assert backup.table_counts(pg) == counts

        info = backup.backup(pg, tmp_path / "pg.sqlite3")
        assert info.source_dialect == "postgresql" and info.counts == counts
        with new_store("sqlite", tmp_path, "again") as again:
            backup.restore(again, tmp_path / "pg.sqlite3")
            assert figures(again) == before
            assert backup.table_counts(again) == counts
            with again.engine.connect() as conn:
                assert conn.execute(select(PendingImport.files)).scalar_one() == bytes(range(256)) * 3
        with sqlite3.connect(tmp_path / "pg.sqlite3") as con:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            # the file is a store of its own: its change triggers came back after the copy
            assert con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] > 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_online_backup_while_rows_are_written_is_one_consistent_state(backend, tmp_path):
    with new_store(backend, tmp_path, "live") as store:
        store.migrate()
        seed(store, DemoRules(as_of=DAY))
        writer_store = Store(store.url)  # the app: its own connections
        stop, written, errors = threading.Event(), [0], []

        def write() -> None:
            try:
                while not stop.is_set():
                    # one transaction, two tables: a consistent copy has as many of each
                    with writer_store.engine.begin() as conn:
                        conn.execute(insert(Problem).values(campaign="并发", description="d", found_on=DAY))
                        conn.execute(insert(Honour).values(title="并发", recipient="r", awarded_on=DAY))
                    written[0] += 1
                    time.sleep(0.002)
            except Exception as exc:  # noqa: BLE001 - reported by the test below
                errors.append(exc)

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        try:
            while written[0] < 5:
                time.sleep(0.01)
            marks = []
            for i in range(3):
                low = written[0]
                info = backup.backup(store, tmp_path / f"live-{i}.sqlite3")
                marks.append((low, info, written[0]))
        finally:
            stop.set()
            thread.join(10)
            writer_store.dispose()
        assert not errors
        for low, info, high in marks:
            with sqlite3.connect(info.path) as con:
                assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                problems = con.execute("SELECT count(*) FROM problems WHERE campaign = '并发'").fetchone()[0]
                honours = con.execute("SELECT count(*) FROM honours WHERE title = '并发'").fetchone()[0]
            assert problems == honours and low <= problems <= high + 1
            assert backup.verify(info.path).counts == info.counts
        assert marks[-1][2] > marks[0][0]  # the store went on being written meanwhile


def _rewrite(path, sql: str, *params) -> None:
    with sqlite3.connect(path) as con:
        con.execute(sql, params)
    con.close()


def _bad_files(good, tmp_path) -> dict[str, tuple]:
    """Files that are not restorable, each with a word the refusal must contain."""
    out = {}

    def copy(name):
        p = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(good, p)
        return p

    p = tmp_path / "random.bin"
    p.write_bytes(os.urandom(50_000))
    out["random bytes"] = (p, "not a SQLite file")
    p = tmp_path / "empty.sqlite3"
    p.write_bytes(b"")
    out["empty"] = (p, "not a SQLite file")
    p = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(p) as con:
        con.execute("CREATE TABLE t (x)")
    con.close()
    out["a foreign SQLite file"] = (p, "no backup_info table")
    p = copy("other-format")
    _rewrite(p, "UPDATE backup_info SET value = ? WHERE key = 'format'", '"something-else"')
    out["another format"] = (p, "format 'something-else'")
    p = copy("format-99")
    _rewrite(p, "UPDATE backup_info SET value = '99' WHERE key = 'format_version'")
    out["format version 99"] = (p, "format version 99")
    p = copy("newer")
    _rewrite(p, "UPDATE backup_info SET value = ? WHERE key = 'schema_revision'", '"9999"')
    out["a newer schema revision"] = (p, "newer than")
    p = copy("rows-missing")
    _rewrite(p, "DELETE FROM participations WHERE rowid % 2 = 0")
    out["rows missing"] = (p, "row counts differ")
    p = copy("truncated")
    with open(p, "r+b") as fh:
        fh.truncate(os.path.getsize(good) // 2)
    out["truncated"] = (p, "damaged")
    p = copy("scribbled")
    with open(p, "r+b") as fh:
        fh.seek(os.path.getsize(good) // 3)
        fh.write(b"\xa5" * 20_000)
    out["scribbled over"] = (p, "damaged")
    return out


def test_files_that_are_not_good_backups_are_refused_and_change_nothing(seeded, tmp_path):
    good = backup.backup(seeded, tmp_path / "good.sqlite3").path
    with seeded.engine.begin() as conn:  # the target differs from the backup: a restore would show
        conn.execute(delete(Membership).where(Membership.id % 4 == 0))
    before, counts, version = figures(seeded), backup.table_counts(seeded), seeded.version().version
    for what, (path, reason) in _bad_files(good, tmp_path).items():
        with pytest.raises(backup.BackupError) as refused:
            backup.restore(seeded, path)
        assert reason in str(refused.value), (what, str(refused.value))
        assert " · " in str(refused.value) and "\n" not in str(refused.value)
    # a file whose rows break the store's rules: the restore fails inside its transaction
    broken = tmp_path / "broken.sqlite3"
    shutil.copyfile(good, broken)
    _rewrite(broken, "UPDATE participations SET person_id = 987654321 WHERE rowid = (SELECT max(rowid) FROM participations)")
    backup.verify(broken)  # a whole file by its own checks …
    with pytest.raises(backup.BackupError, match="rolled back"):
        backup.restore(seeded, broken)
    assert figures(seeded) == before  # … and still nothing changed
    assert backup.table_counts(seeded) == counts
    assert seeded.version().version == version


def test_a_backup_of_an_older_schema_is_brought_up_to_date(tmp_path):
    scripts = backup._scripts()
    head = scripts.get_revision(backup.head_revision())
    if head.down_revision is None:
        pytest.skip("one migration only: no older schema to back up")
    with new_store("sqlite", tmp_path, "lite") as lite:
        lite.migrate()
        seed(lite, DemoRules(as_of=DAY))
        before = figures(lite)
        old = backup.backup(lite, tmp_path / "old.sqlite3").path
        # the same file as an older code would have written it: schema one revision back
        from alembic import command
        from sqlalchemy import create_engine

        engine = create_engine(f"sqlite:///{old}")
        with engine.begin() as conn:
            command.downgrade(backup._alembic_config(conn), head.down_revision)
        engine.dispose()
        with sqlite3.connect(old) as con:  # and its record of itself
            con.execute("UPDATE backup_info SET value = ? WHERE key = 'schema_revision'", (json.dumps(head.down_revision),))
            con.execute("UPDATE backup_info SET value = ? WHERE key = 'counts'", (json.dumps(backup._sqlite_counts(con)),))
        con.close()
        assert backup.verify(old).schema_revision == head.down_revision
        with new_store("sqlite", tmp_path, "target") as target:
            backup.restore(target, old)
            assert target.schema_revision() == backup.head_revision()
            assert figures(target) == before


def cli(store: Store, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DASHBOARD_DATABASE_URL": store.url, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, input=stdin,
                          env=env, cwd=ROOT, timeout=300)


def test_the_commands_back_up_ask_and_restore(seeded, tmp_path):
    before, counts = figures(seeded), backup.table_counts(seeded)
    out = cli(seeded, "backup", "--out", str(tmp_path / "cli.sqlite3"))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == str(tmp_path / "cli.sqlite3")
    assert any(line.split() == ["participations", str(counts["participations"])] for line in lines)

    change_everything(seeded)
    changed = backup.table_counts(seeded)
    asked = cli(seeded, "restore", str(tmp_path / "cli.sqlite3"), stdin="no\n")
    assert asked.returncode == 2 and "not confirmed" in asked.stderr
    assert "participations" in asked.stdout and "yes" in asked.stdout and "audit" in asked.stdout
    assert backup.table_counts(seeded)["participations"] == changed["participations"]

    done = cli(seeded, "restore", str(tmp_path / "cli.sqlite3"), stdin="yes\n")
    assert done.returncode == 0, done.stderr
    assert figures(seeded) == before
    after = backup.table_counts(seeded)
    # the CLI leaves one audit entry per backup and restore; every other table is the backup's
    assert after["audit_log"] == counts["audit_log"] + 1
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in counts.items() if k != "audit_log"}
    assert audit.entries(seeded, 1)[0].action == "store-restore"

    again = cli(seeded, "restore", "--yes", str(tmp_path / "cli.sqlite3"))
    assert again.returncode == 0, again.stderr

    refused = cli(seeded, "restore", "--yes", __file__)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "不是看板备份文件" in refused.stderr and "not a dashboard backup" in refused.stderr


def test_backups_into_a_directory_keep_the_newest(tmp_path):
    with new_store("sqlite", tmp_path, "lite") as lite:
        lite.migrate()
        folder = tmp_path / "backups"
        folder.mkdir()
        (folder / "dashboard-20000101-000000.sqlite3").write_bytes(b"old")
        (folder / "notes.txt").write_text("kept")
        out = cli(lite, "backup", "--out", f"{folder}/", "--keep", "1")
        assert out.returncode == 0, out.stderr
        made = out.stdout.splitlines()[0]
        assert sorted(p.name for p in folder.iterdir()) == sorted([os.path.basename(made), "notes.txt"])
        assert backup.verify(made).counts["store_state"] == 1
        bad = cli(lite, "backup", "--out", str(tmp_path / "one.sqlite3"), "--keep", "2")
        assert bad.returncode == 2


def test_refusals_leave_a_fresh_target_unmigrated_and_untouched(tmp_path):
    with new_store("sqlite", tmp_path, "lite") as lite:
        with pytest.raises(backup.BackupError, match="no such backup file"):
            backup.restore(lite, tmp_path / "missing.sqlite3")
        foreign = tmp_path / "foreign.sqlite3"
        with sqlite3.connect(foreign) as con:
            con.execute("CREATE TABLE t (x)")
        con.close()
        with pytest.raises(backup.BackupError, match="no backup_info table"):
            backup.restore(lite, foreign)
        with lite.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'table'")).scalar_one() == 0
