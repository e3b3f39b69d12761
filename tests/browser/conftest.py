"""Fixtures: a real server process on a seeded temporary store, driven by headless Chromium."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, Page, Server, seeded_store

from dashboard.store import Store


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory, artifacts) -> Store:
    """Demo data as of today (so that the CLI's defaults and the page's agree)."""
    return seeded_store(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def server(demo_store) -> Iterator[Server]:
    # a mail server that is not there: the archive page then draws its mail controls (checked by
    # axe); nothing is sent, as no schedule of this store falls due while the suite runs
    srv = Server(demo_store.url, extra_env={"DASHBOARD_SMTP_URL": "smtp://127.0.0.1:9"}).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, server) -> Iterator:
    p = Page(chromium, 1920, 1080).login(server)
    yield p.page
    foreign = p.foreign_requests(server.url)
    p.close()
    assert foreign == [], f"requests left the machine: {foreign}"


