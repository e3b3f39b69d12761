"""Shared fixtures: real temporary stores (SQLite always, PostgreSQL when configured)."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from dashboard.store import Store

POSTGRES_URL = os.environ.get("DASHBOARD_TEST_POSTGRES_URL")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")


def _postgres_store() -> Iterator[Store]:
    """A store in a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(Store(POSTGRES_URL).url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    store = Store(f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def make_store(backend: str, tmp_path) -> Iterator[Store]:
    if backend == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("PostgreSQL tests need DASHBOARD_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
        yield from _postgres_store()
        return
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path) -> Iterator[Store]:
    """An empty, migrated store on each backend."""
    for s in make_store(request.param, tmp_path):
        s.migrate()
        yield s


@pytest.fixture(scope="session", params=BACKENDS)
def report_store(request, tmp_path_factory) -> Iterator[Store]:
    """The demo data as of the report day (2020-07-01), built once per backend."""
    import datetime as dt

    from dashboard.demo import DemoRules, seed

    for s in make_store(request.param, tmp_path_factory.mktemp("report")):
        s.migrate()
        seed(s, DemoRules(as_of=dt.date(2020, 7, 1)))
        yield s


REDIS_URL = os.environ.get("DASHBOARD_TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("DASHBOARD_TEST_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (DASHBOARD_TEST_REQUIRE_SERVICES=1) a skip for a missing service is a failure."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and isinstance(report.longrepr, tuple):
        reason = report.longrepr[2]
        if any(word in reason for word in ("PostgreSQL", "Redis", "Chromium", "CJK", "kaleido")):
            report.outcome = "failed"
            report.longrepr = f"required in CI but skipped: {reason}"


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(items):
    """Under xdist (--dist loadgroup): one worker runs every browser test on the session's store and
    server, in order (some write to the store): one seeding, one server, never two of them competing for
    the cores. A test that uses a module-scoped fixture runs on the same worker as the rest of its file, in
    order: the fixture is made once and the state it carries between tests holds. Others are spread one by one."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        info = getattr(item, "_fixtureinfo", None)
        scopes = {d.scope for defs in (info.name2fixturedefs.values() if info else ()) for d in defs}
        if "demo_store" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif scopes & {"module", "class", "package"}:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("Redis tests need DASHBOARD_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")
    return REDIS_URL
