"""Helpers for browser tests: a server process, a recording page, waits."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


TEST_USER, TEST_PASSWORD = "tester", "tester-pass-1"


def add_user(db_url: str, name: str = TEST_USER, password: str = TEST_PASSWORD, role: str = "admin",
             streets: tuple[str, ...] = ()) -> None:
    """``python -m dashboard user add … --password-stdin``, as a deployment script would (once per store)."""
    env = {**os.environ, "DASHBOARD_DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "dashboard", "user", "add", name, "--role", role, "--password-stdin"]
    for street in streets:
        args += ["--street", street]
    out = subprocess.run(args, input=password + "\n", capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    if out.returncode != 0 and "已存在" not in out.stderr:
        raise RuntimeError(out.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python app.py`` in a child process, on its own store and port."""

    def __init__(self, db_url: str, refresh: int = 2, extra_env: dict | None = None):
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # one process (waitress) keeps the suite's memory and start-up small; the several-process
        # default (gunicorn) is tested in tests/test_processes.py
        self.env = {**os.environ, "DASHBOARD_WORKERS": "1", "DASHBOARD_DATABASE_URL": db_url, "PORT": str(self.port),
                    "DASHBOARD_REFRESH_SECONDS": str(refresh), "PYTHONPATH": str(ROOT), **(extra_env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        add_user(self.db_url)
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server did not start; see {log.name}")

    @property
    def log_path(self) -> Path:
        return ARTIFACTS / f"server-{self.port}.log"

    def stop(self) -> int | None:
        """SIGTERM, the deployment's graceful stop; the exit status."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        return self.proc.returncode if self.proc else None


class Page:
    """A Playwright page that records every request it makes."""

    def __init__(self, browser, width: int, height: int, javascript: bool = True, **options):
        """``options``: more of the context's, e.g. a phone's ``is_mobile``, ``has_touch``, ``device_scale_factor``."""
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                           java_script_enabled=javascript, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))

    def login(self, server: Server, user: str = TEST_USER, password: str = TEST_PASSWORD) -> Page:
        """Through the real login page: type the name and password, press Enter."""
        self.page.goto(f"{server.url}/login?next=/healthz")  # lands on a page that loads nothing more
        self.page.get_by_label("用户名").fill(user)
        self.page.get_by_label("密码", exact=True).fill(password)
        with self.page.expect_navigation():
            self.page.get_by_label("密码", exact=True).press("Enter")
        if "/login" in self.page.url:
            raise RuntimeError(f"login as {user} failed")
        self.requests.clear()
        return self

    def foreign_requests(self, base: str) -> list[str]:
        return [u for u in self.requests if not (u.startswith(base) or u.startswith("data:") or u.startswith("blob:"))]

    def close(self) -> None:
        self.context.close()


def login_context(context, base: str, user: str = TEST_USER, password: str = TEST_PASSWORD) -> None:
    """Log a browser context in through the login form's endpoint, without loading a page (for
    benchmarks, whose figures must not count the login page)."""
    import re

    page = context.request.get(f"{base}/login").text()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = context.request.post(f"{base}/login", form={"username": user, "password": password, "csrf_token": csrf},
                             headers={"Origin": base}, max_redirects=0)
    if r.status != 302:
        raise RuntimeError(f"login as {user} failed: {r.status}")


def wait_for_panels(page, timeout: float = 20_000, graphs: int = 6) -> None:
    """Until every KPI shows a number and every graph has drawn (``graphs``: at least that many;
    a section of the staff page without numbers has two to four)."""
    page.wait_for_function(
        """least => {
            const kpis = [...document.querySelectorAll('[id^="kpi-"].kpi-value')];
            const graphs = [...document.querySelectorAll('.js-plotly-plot')];
            return (least < 6 || kpis.length > 0) && kpis.every(k => /^[0-9,—]+$/.test(k.textContent))
                && graphs.length >= least && !document.querySelector('._dash-loading-callback')
                && !document.querySelector('[data-dash-is-loading="true"]');
        }""",
        arg=graphs, timeout=timeout,
    )


def cjk_renders(page) -> bool:
    """True when '党' draws differently from a codepoint no font has (drawn as a box)."""
    return page.evaluate(r"""() => {
        const draw = ch => { const c = document.createElement('canvas'); c.width = c.height = 48;
            const x = c.getContext('2d'); x.font = '32px ' + getComputedStyle(document.body).fontFamily;
            x.fillText(ch, 4, 36); return Array.from(x.getImageData(0, 0, 48, 48).data).join(','); };
        return draw('党') !== draw('\u{10FFFD}');
    }""")


def cli_json(store, *args: str) -> dict:
    """``python -m dashboard indicators … --json`` on the store, as a user would run it."""
    import json

    env = {**os.environ, "DASHBOARD_DATABASE_URL": store.url, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "dashboard", "indicators", *args, "--json"],
                         capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def seeded_store(folder: Path, as_of=None):
    """A SQLite store in ``folder`` with demo data as of ``as_of``, by default today (so the CLI's defaults
    and the pages' agree)."""
    import datetime as dt

    from dashboard.demo import DemoRules, seed
    from dashboard.store import Store

    store = Store(f"sqlite:///{folder / 'store.sqlite3'}")
    store.migrate()
    seed(store, DemoRules(as_of=as_of or dt.date.today()))
    return store
