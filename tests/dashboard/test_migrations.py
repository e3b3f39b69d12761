"""The migrations build exactly the schema of dashboard/schema.py, and the newest one goes down and up."""
from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect

from dashboard.schema import Base, Contact, Person


def test_the_migrated_store_is_the_schema(store):
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_the_care_migration_goes_down_and_up_and_contacts_bump_the_version(store):
    with store.engine.begin() as conn:
        command.downgrade(store._alembic_config(conn), "0006")
    with store.engine.connect() as conn:
        assert "contacts" not in inspect(conn).get_table_names()
        assert "health" not in {c["name"] for c in inspect(conn).get_columns("people")}
    store.migrate()
    before = store.version().version
    with store.engine.begin() as conn:
        conn.execute(insert(Person).values(id=1, code="P1", name="测试某甲", gender="男", birth_year=1940,
                                           cadre_type="退休", health="良好"))
        conn.execute(insert(Contact).values(person_id=1, date=dt.date(2024, 1, 2), kind="电话"))
    assert store.version().version > before + 1  # the contact's insert bumped it too, not only the person's


def test_the_mail_migration_goes_down_and_up_and_keeps_the_users(store):
    from dashboard.access import users

    users.add_user(store, "ms-staff", "abcd1234", "leader")
    with store.engine.begin() as conn:
        command.downgrade(store._alembic_config(conn), "0010")
    with store.engine.connect() as conn:
        assert "briefing_subscriptions" not in inspect(conn).get_table_names()
        assert "email" not in {c["name"] for c in inspect(conn).get_columns("users")}
        assert "mail_state" not in {c["name"] for c in inspect(conn).get_columns("briefing_runs")}
    store.migrate()
    users.set_email(store, "ms-staff", "ms@zq.gov.cn")
    assert users.get_user(store, "ms-staff").email == "ms@zq.gov.cn"
