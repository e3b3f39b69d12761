"""Triggers that bump ``store_state`` on every change, whoever makes it (app, import or plain SQL)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION bump_store_version() RETURNS trigger AS $$
BEGIN
  UPDATE store_state SET version = version + 1, changed_at = (now() AT TIME ZONE 'utc') WHERE id = 1;
  RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def create_change_triggers(conn: Connection, tables: tuple[str, ...]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(_PG_FUNCTION))
        for table in tables:
            # one bump per statement, not per row: bulk loads stay fast
            conn.execute(text(
                f"CREATE TRIGGER {table}_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_store_version()"
            ))
        return
    for table in tables:
        for op in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(text(
                f"CREATE TRIGGER {table}_bump_{op.lower()} AFTER {op} ON {table} BEGIN "
                "UPDATE store_state SET version = version + 1, changed_at = CURRENT_TIMESTAMP "
                "WHERE id = 1; END"
            ))


def drop_change_triggers(conn: Connection, tables: tuple[str, ...]) -> None:
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_bump ON {table}"))
        conn.execute(text("DROP FUNCTION IF EXISTS bump_store_version()"))
        return
    for table in tables:
        for op in ("insert", "update", "delete"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_bump_{op}"))
