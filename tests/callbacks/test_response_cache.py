"""The page that everyone opens is served from memory until the store changes, never to someone
who may not see it."""
from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from sqlalchemy import insert

from dashboard.schema import Honour
from dashboard.settings import Settings
from tests.acting import client_as

GZ = {"Accept-Encoding": "gzip", "Referer": "http://localhost/"}


@pytest.fixture
def app(report_store):
    from app import create_app

    return create_app(Settings(database_url=report_store.url), store=report_store)


def layout(client, headers=GZ) -> tuple[str | None, str]:
    r = client.get("/_dash-layout", headers=headers)
    body = gzip.decompress(r.data) if r.headers.get("Content-Encoding") == "gzip" else r.data
    return r.headers.get("X-Cache"), json.dumps(json.loads(body), ensure_ascii=False)


def test_the_same_layout_is_built_once_per_store_version_and_asker(app, report_store):
    admin = client_as(app, report_store, "admin")
    first = layout(admin)
    again = layout(admin)
    assert first[0] is None and again == ("hit", first[1])
    # another asker with another scope gets their own page, not the cached one
    staff = client_as(app, report_store, "staff", ("370114001000",))
    cache, page = layout(staff)
    assert cache is None and "范围:明水街道" in page and "范围:全区" in first[1]
    # a change in the store is a new version: the page is built again
    with report_store.engine.begin() as c:
        c.execute(insert(Honour).values(title="缓存测试荣誉", recipient="测试", awarded_on=dt.date(2010, 1, 1)))
    assert layout(admin)[0] is None
    # without gzip the same page comes as it is
    assert layout(admin, {"Referer": "http://localhost/"})[0] is None


def page_html(client, path: str = "/care") -> tuple[str | None, str]:
    r = client.get(path, headers={"Accept-Encoding": "gzip"})
    body = gzip.decompress(r.data) if r.headers.get("Content-Encoding") == "gzip" else r.data
    return r.headers.get("X-Cache"), body.decode("utf-8")


def test_a_section_page_arrives_with_its_numbers_built_once_per_store_version_and_asker(app, report_store):
    admin = client_as(app, report_store, "admin")
    first = page_html(admin)
    assert first[0] is None and "老干部联系率" in first[1] and "范围:全区" in first[1]
    assert page_html(admin) == ("hit", first[1])
    # each filter is a page of its own, and another asker's scope is theirs
    assert "范围:明水街道" in page_html(admin, "/care?street=370114001000")[1]
    staff = client_as(app, report_store, "staff", ("370114001000",))
    cache, page = page_html(staff)
    assert cache is None and "范围:明水街道" in page
    with report_store.engine.begin() as c:
        c.execute(insert(Honour).values(title="缓存测试荣誉", recipient="测试", awarded_on=dt.date(2010, 1, 1)))
    assert page_html(admin)[0] is None
    # nobody who is not logged in gets it: the login page instead
    anonymous = app.server.test_client().get("/care", headers={"Accept-Encoding": "gzip"})
    assert anonymous.status_code in (302, 401) and "老干部联系率" not in anonymous.get_data(as_text=True)


def test_an_anonymous_request_is_never_served_from_the_cache(app, report_store):
    admin = client_as(app, report_store, "admin")
    layout(admin)
    assert app.server.test_client().get("/_dash-layout", headers=GZ).status_code == 401


def test_ledger_callbacks_are_never_cached(app, report_store):
    from callbacks.response_cache import PURE_CALLBACK_MARKS

    deps = client_as(app, report_store, "admin").get("/_dash-dependencies").get_json()
    ledger = [d["output"] for d in deps if "data-preview" in d["output"] or "data-log" in d["output"]]
    assert ledger and not any(mark in out for out in ledger for mark in PURE_CALLBACK_MARKS)
