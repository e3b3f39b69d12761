"""The one gateway to the SQL store: engine, migrations, change check and store facts."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from dashboard.schema import Person, StoreMeta, StoreState, Street

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(RuntimeError):
    """The store cannot be reached or is not in a usable state."""


@dataclass(frozen=True)
class StoreVersion:
    """What the dashboards poll: a counter bumped on every change, and when it last moved (UTC)."""
    version: int
    changed_at: dt.datetime | None

    def record(self) -> dict:
        """What pages keep and poll for: JSON-ready, ``ok`` while the store can be read."""
        return {"version": self.version, "changed_at": self.changed_at.isoformat() if self.changed_at else None,
                "ok": True}


def _normalise_url(url: str) -> str:
    parsed = make_url(url)
    # plain postgresql:// means psycopg 3 here, the driver we ship
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def utcnow() -> dt.datetime:
    """Now, as the store keeps times: naive UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def make_engine(url: str) -> Engine:
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:":
            return create_engine(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not os.path.exists(path):
            sqlite3.connect(path).close()  # the store is made here, once; later connections never make one
        # mode=rw: a file that disappears is an error to report, not an empty store to create
        engine = create_engine(url, creator=lambda: sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=30,
                                                                    check_same_thread=False))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, record):
            record.info["inode"] = _inode(path)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "checkout")
        def _same_file(_dbapi_conn, record, _proxy):
            # a file deleted and put back (a restore, an operator's mistake) is another file: the
            # pooled connections still read the old one, so they are dropped and made anew
            if _inode(path) != record.info.get("inode"):
                raise DisconnectionError("the SQLite file was replaced")

        return engine
    # pre-ping: a connection the server closed (a restart) is replaced, not handed to a page
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"application_name": "zhangqiu-dashboard"})


class Store:
    """A store at one URL. Create it, ``migrate()`` it, then hand it to indicators and pages."""

    def __init__(self, url: str):
        self.url = _normalise_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self.sessions()

    def _alembic_config(self, conn) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        return cfg

    def migrate(self) -> None:
        """Create the store or bring it to the newest schema."""
        with self.engine.begin() as conn:
            command.upgrade(self._alembic_config(conn), "head")
        if self.meta("instance") is None:
            with self.session() as s, s.begin():
                self.set_meta(s, "instance", {"id": uuid.uuid4().hex})

    def instance_id(self) -> str:
        """Random, made when the store is created: caches shared across stores (Redis) must not
        mix up two stores that happen to have the same URL and version, e.g. one recreated."""
        info = self.meta("instance")
        return info["id"] if info else "unmigrated"

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def version(self) -> StoreVersion:
        """The cheap change check: one single-row read."""
        with self.engine.connect() as conn:
            row = conn.execute(select(StoreState.version, StoreState.changed_at).where(StoreState.id == 1)).first()
        if row is None:
            raise StoreError("store_state is missing: run `python -m dashboard init-db`")
        return StoreVersion(row.version, row.changed_at)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Person)).scalar_one() == 0

    def meta(self, key: str) -> dict | None:
        with self.engine.connect() as conn:
            raw = conn.execute(select(StoreMeta.value).where(StoreMeta.key == key)).scalar_one_or_none()
        return None if raw is None else json.loads(raw)

    def set_meta(self, session: Session, key: str, value: dict) -> None:
        session.merge(StoreMeta(key=key, value=json.dumps(value, ensure_ascii=False)))

    def demo_info(self) -> dict | None:
        """The seed rules if the store holds demo data, else None."""
        return self.meta("demo")

    def ping(self) -> None:
        """A real query on real tables: the store answers and holds its schema (raises if not)."""
        with self.engine.connect() as conn:
            conn.execute(select(StoreState.version).where(StoreState.id == 1)).one()
            conn.execute(select(Street.code).limit(1)).all()

    def dispose(self) -> None:
        self.engine.dispose()


def bulk_insert(conn, table, rows: list[dict]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        cols = list(rows[0])
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in cols])
        return
    conn.execute(table.insert(), rows)
