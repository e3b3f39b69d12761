"""Two server processes on one PostgreSQL and one Redis: a ledger checked on one is confirmed on
the other, and both show the change. Real processes (``python app.py``), real HTTP."""
from __future__ import annotations

import base64
import contextlib
import datetime
import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, POSTGRES_URL, REDIS_URL, make_store

sys.path.insert(0, str(Path(__file__).parent / "browser"))
from support import TEST_PASSWORD, TEST_USER, Server

SQLITE, POSTGRESQL = BACKENDS  # one of report_store's two, for a test that needs only one
# a store of its own for a test that writes to it or moves it: a short history seeds in half the time of
# today's, and these tests compare a number before and after, whatever it is
SMALL_DEMO = datetime.date(2019, 6, 1)
TEAM_CSV = "队伍编码,队伍名称,街道编码,服务方向,成立日期\nT-TWO-1,双进程测试服务队,明水街道,政策宣讲,2020年1月1日\n"


@pytest.fixture
def pg_store(tmp_path):
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need DASHBOARD_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    if not REDIS_URL:
        pytest.skip("Redis tests need DASHBOARD_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15)")

    from dashboard.demo import DemoRules, seed

    for store in make_store("postgresql", tmp_path):
        store.migrate()
        seed(store, DemoRules(as_of=SMALL_DEMO))
        yield store


class Browser:
    """Cookies and the Origin header, as a browser would send them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, **headers) -> tuple[int, str]:
        with self.opener.open(urllib.request.Request(self.base + path, headers=headers), timeout=60) as r:
            return r.status, r.read().decode("utf-8")

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        req = urllib.request.Request(self.base + path, data=body, method="POST",
                                     headers={"Content-Type": content_type, "Origin": self.base})
        with self.opener.open(req, timeout=120) as r:
            return r.status, r.read().decode("utf-8")

    def login(self) -> None:
        _, page = self.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": TEST_USER, "password": TEST_PASSWORD, "csrf_token": csrf})
        self.post("/login", form.encode(), "application/x-www-form-urlencoded")

    def ledger_action(self, trigger: str, contents=None, filename=None, token=None) -> dict:
        """The /data page's one callback, posted as Dash's renderer posts it."""
        _, deps = self.get("/_dash-dependencies")
        output = next(d["output"] for d in json.loads(deps) if "data-preview.children" in d["output"])
        payload = {
            "output": output,
            "outputs": [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")],
            "inputs": [{"id": "data-upload", "property": "contents", "value": contents},
                       {"id": "data-confirm", "property": "n_clicks", "value": 1 if trigger == "confirm" else None},
                       {"id": "data-cancel", "property": "n_clicks", "value": None}],
            "state": [{"id": "data-upload", "property": "filename", "value": filename},
                      {"id": "data-token", "property": "data", "value": token},
                      {"id": "data-log-version", "property": "data", "value": 0}],
            "changedPropIds": ["data-upload.contents" if trigger == "upload" else "data-confirm.n_clicks"],
        }
        _, body = self.post("/_dash-update-component", json.dumps(payload).encode(), "application/json")
        return json.loads(body)["response"]

    def teams(self) -> int:
        """The staff page's 志愿服务队伍 number, as this process serves it."""
        _, layout = self.get("/_dash-layout", Referer=f"{self.base}/")
        node = next(n for n in walk(json.loads(layout)) if n.get("props", {}).get("id") == "kpi-volunteer_teams")
        while isinstance(node, dict):  # the number sits in the panel's slot, a span inside this one
            node = node["props"]["children"]
        return int(node.replace(",", ""))


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_a_ledger_checked_on_one_process_is_confirmed_on_another_and_both_show_it(pg_store):
    env = {"DASHBOARD_CACHE_URL": REDIS_URL, "DASHBOARD_SECRET_KEY": "two-process-test-key"}
    # python app.py as deployed on a 2-core host (gunicorn, two processes) and a one-process waitress
    one = Server(pg_store.url, refresh=1, extra_env={**env, "DASHBOARD_WORKERS": "2"}).start()
    two = Server(pg_store.url, refresh=1, extra_env=env).start()
    try:
        a, b = Browser(one.url), Browser(two.url)
        a.login()
        b.opener = a.opener  # one browser behind a balancer: its session works on either process
        before = a.teams()
        contents = "data:text/csv;base64," + base64.b64encode(TEAM_CSV.encode("utf-8")).decode()
        checked = a.ledger_action("upload", [contents], ["志愿队伍.csv"])
        token = checked["data-token"]["data"]
        assert token and "检查通过" in json.dumps(checked, ensure_ascii=False)
        done = b.ledger_action("confirm", token=token)
        assert "导入成功" in json.dumps(done, ensure_ascii=False)
        again = a.ledger_action("confirm", token=token)  # a second click, on the first process
        assert "导入成功" in json.dumps(again, ensure_ascii=False)
        assert a.teams() == b.teams() == before + 1
        with pg_store.engine.connect() as conn:
            from sqlalchemy import func, select

            from dashboard.schema import ImportLog

            assert conn.execute(select(func.count()).select_from(ImportLog)).scalar_one() == 1
    finally:
        one.stop()
        two.stop()


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from Linux's /proc")
# the processes, their log and their stop are the same on either store; gunicorn's workers on PostgreSQL
# are the first test's
@pytest.mark.parametrize("report_store", [SQLITE], indirect=True)
def test_python_app_py_serves_in_one_process_per_worker_logs_each_request_and_stops_gracefully(report_store):
    server = Server(report_store.url, extra_env={"DASHBOARD_WORKERS": "2"}).start()
    try:
        deadline = time.monotonic() + 30  # /healthz answers as soon as the first worker is up
        while len(_children(server.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(server.proc.pid)) == 2  # the gunicorn master's two workers
        for _ in range(4):
            assert _status(f"{server.url}/healthz")[0] == 200
    finally:
        status = server.stop()
    log = server.log_path.read_text(encoding="utf-8")
    assert "gunicorn, 2 processes of 8 threads" in log
    assert log.count('"GET /healthz" 200') >= 4  # the access log, one line per request
    assert status == 0 and "Shutting down: Master" in log


def _local_ports(pid: int) -> set[int]:
    """The local ports of a process's TCP sockets (Linux: its socket inodes in /proc/net/tcp*)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _status(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_a_sqlite_file_that_disappears_and_comes_back_is_recovered_from_without_a_restart(tmp_path):
    import shutil

    from dashboard.demo import DemoRules, seed
    from dashboard.store import Store

    path = tmp_path / "store.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    seed(store, DemoRules(as_of=SMALL_DEMO))
    store.dispose()
    server = Server(store.url, refresh=1).start()
    try:
        browser = Browser(server.url)
        browser.login()
        assert browser.teams() > 0
        shutil.move(path, tmp_path / "away.sqlite3")
        for extra in ("-wal", "-shm"):
            if (tmp_path / f"store.sqlite3{extra}").exists():
                shutil.move(tmp_path / f"store.sqlite3{extra}", tmp_path / f"away.sqlite3{extra}")
        assert _status(f"{server.url}/healthz") == (503, "store unreachable")  # the truth, not "ok"
        assert not path.exists()  # and no empty store made in its place
        shutil.move(tmp_path / "away.sqlite3", path)
        for extra in ("-wal", "-shm"):
            if (tmp_path / f"away.sqlite3{extra}").exists():
                shutil.move(tmp_path / f"away.sqlite3{extra}", tmp_path / f"store.sqlite3{extra}")
        assert _status(f"{server.url}/healthz") == (200, "ok")
        assert browser.teams() > 0
    finally:
        server.stop()


# the cache's comings and goings are the same on either store: on the deployment's, PostgreSQL
@pytest.mark.parametrize("report_store", [POSTGRESQL], indirect=True)
def test_a_redis_restart_is_recovered_from_and_pages_work_without_it(report_store, tmp_path):
    import shutil
    import socket
    import subprocess
    import time

    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("Redis tests need the redis-server binary")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def start():
        proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    redis = start()
    server = Server(report_store.url, refresh=1, extra_env={"DASHBOARD_CACHE_URL": f"redis://127.0.0.1:{port}/0"}).start()
    try:
        browser = Browser(server.url)
        browser.login()
        teams = browser.teams()
        assert _status(f"{server.url}/healthz") == (200, "ok")
        redis.terminate()
        redis.wait(10)
        assert _status(f"{server.url}/healthz")[1].startswith("degraded: shared cache")
        assert browser.teams() == teams  # pages keep working without the cache
        redis = start()
        time.sleep(6)  # the cache is tried again after its pause
        assert _status(f"{server.url}/healthz") == (200, "ok") and browser.teams() == teams
    finally:
        server.stop()
        redis.terminate()


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="finds the app's connections by their ports in Linux's /proc")
@pytest.mark.parametrize("report_store", [POSTGRESQL], indirect=True)  # only read: the session's store
def test_a_postgresql_restart_is_recovered_from_without_a_restart_of_the_app(report_store):
    from sqlalchemy import create_engine, text

    server = Server(report_store.url, refresh=1).start()
    try:
        browser = Browser(server.url)
        browser.login()
        teams = browser.teams()
        # what a restart does to the app: every connection it holds is closed by the server (only the
        # app's: tests running alongside, in this process or another, hold connections of the same name)
        admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
        with admin.connect() as conn:
            killed = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE application_name = 'zhangqiu-dashboard' AND client_port = ANY(:ports)"),
                                  {"ports": sorted(_local_ports(server.proc.pid))}).scalar()
        admin.dispose()
        assert killed >= 1
        assert _status(f"{server.url}/healthz") == (200, "ok")
        assert browser.teams() == teams
    finally:
        server.stop()
