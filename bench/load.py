"""Load benchmark: the server as it is deployed, under many concurrent clients.

    python bench/load.py [--scenario NAME]… [--seconds S] [--clients N] [--scale 1] [--db sqlite|postgresql]
                         [--server app|gunicorn] [--workers N] [--json PATH]

It seeds (or reuses) the bench store of ``--scale`` (bench/indicators.py's ``open_store``), makes a
user (role 领导), for ``workbooks`` a 管理员 (a 领导 may not import) and, for ``mixed``, signed links
through the CLI (``python -m dashboard user add``, ``link create``), starts the server as the README says – ``python app.py`` (``DASHBOARD_WORKERS``
processes, default one per core, under gunicorn; waitress when one), or ``gunicorn 'app:create_app()'
--workers N`` (gthread workers with ``DASHBOARD_THREADS`` threads each) – on 127.0.0.1 and a free port, with a
secret key made for this run, and drives it from a separate process (this script run with
``--drive``): one thread per client, each with its own keep-alive connection (``http.client``)
and its own session, logged in once (or through its link) before the clock starts, then looping
with no pause (closed loop) until ``--seconds`` are over or it has made ``--max-requests``.
Requests started in the first ``--warmup`` seconds (default 2) are not counted. Every request
asks for gzip, as a browser does over http.

Scenarios (``--scenario NAME``, repeatable; default all, in this order):

- ``floor``     GET /healthz (one store ping, no session work beyond the cookie check) at the
                ``version`` scenario's client count: what the server, this machine and this client
                manage for a bare endpoint. Always run first; the targets compare with it.
- ``version``   GET /api/version (the big screen's change check) at 100 clients.
- ``layout``    GET /_dash-layout with ``Referer: <base>/``: the staff page with no filter, which
                comes with every panel filled in, at 20 clients.
- ``change-cached``   the staff page's filter-change POST (/_dash-update-component, built from
                /_dash-dependencies the way Dash's renderer does) choosing 明水街道 from the
                unfiltered page, all 20 clients the same filter: after the first, whatever the app
                keeps (today its answer cache per request, asker and store version) serves it.
- ``change-uncached`` the same POST with each client on its own street and each request on its
                own as-of day (one day further back each time, within 5 years), so every request
                asks the store again.
- ``export``    GET /export/map.png at 100 clients, each image its own as-of day (``?as_of=…``, one
                day further back each time, as above): the server keeps made images per (panel,
                filter, size, store version), so the same URL again would come from memory and never
                reach the render queue the target is about (``--export-same-url`` asks for the bare
                URL every time: that measures the image cache). A 503 (the queue is full) is counted
                apart from errors, and the client waits its Retry-After (bounded by the run) before
                asking for the same image again, as a polite client would; the slowest request and
                the slowest 503 are kept.
- ``mixed``     100 staff, 20 screens and 50 embed viewers for ``--seconds`` (default 300), arriving
                over ``--ramp`` seconds. A staff member opens ``/`` (GET /, /_dash-layout,
                /_dash-dependencies), makes ``--changes`` filter changes (a random street), pausing
                ``--think`` seconds (±50 %) before each, and posts the page's version poll every
                ``--refresh`` seconds; then opens ``/`` again. A screen opens its signed link, loads
                /screen, GETs /api/version every ``--refresh`` seconds and POSTs the screen's
                callback when the version changes (and once at load). An embed viewer opens its link
                to one panel, loads it (poll + render callbacks) and posts the embed's version poll
                every ``--refresh`` seconds. The server's RSS (the memory of the server process and all
                its descendants, e.g. the export renderer's Chromium, as proportional set size: see
                ``resident_kb``) is read at ``--rss-mark``
                seconds (default 60: minute 1; a third of the run when it is shorter than two
                minutes) and at the end.
- ``workbooks`` two hostile workbooks built by bench/workbooks.py, uploaded one at a time through
                the /data page's callback (POST /_dash-update-component, as the renderer posts a
                dcc.Upload) by the 管理员: the issue's 966 KB workbook whose sheet unpacks to 291 MB of
                identical rows, and a 27 KB valid workbook whose sheet declares A1:XFD1048576 (with
                a cell at XFD1048576). For each: the seconds until the answer, what it said (refused,
                with the page's Chinese message and first problem, or checked – then cancelled), the
                peak RSS of the server's tree (read every 0.2 s), and the slowest /api/version of a
                side client (the 领导) polling every 0.2 s meanwhile (both over the upload and the second
                after its answer). Runs last: it takes seconds.

Printed per request kind: clients, req/s (successful responses in the window / window), p50, p95,
p99 and max latency, errors (statuses other than the expected ones, timeouts, broken connections;
503s of exports apart), the median of the server's own time (its Server-Timing header) and the
server's RSS at the end of the scenario; then the targets, each marked met or missed – or "not
judged" when the run differs from the target's conditions (client counts; 300 s for mixed):

- /api/version at 100 clients: req/s ≥ 0.8 × the floor's (same run), p99 ≤ 250 ms
- /_dash-layout for / at 20 clients: ≥ 200 req/s, p95 ≤ 250 ms
- cached filter change at 20 clients: ≥ 150 req/s; uncached: ≥ 40 req/s
- exports at 100 clients: no request takes more than 15 s; a refused one gets its 503 in < 100 ms
- mixed, 5 minutes: p95 ≤ 500 ms for every kind of page request, 0 errors, RSS within 10 % from
  minute 1 to the end
- each of the two workbooks: refused or checked within 10 s, the server's RSS under 500 MB (its own
  Python processes; the export renderer's Chromium, when the export scenario has started it, is shown
  apart: it holds no import)

It is a benchmark, not a test: it exits 0 whatever the figures (2 when it cannot set up). The
figures also go to ``--json PATH`` (default bench/out/load.json) with the machine reference
(bench/report.py). Only 127.0.0.1 is contacted; the server is stopped at the end, also after an
error or Ctrl+C. The client runs in Python too: on a small machine it competes with the server
for the CPU, which is why the floor is measured the same way, in the same run.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import http.client
import importlib.util
import io
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HOST = "127.0.0.1"
USER = "bench-load"
ADMIN = "bench-load-admin"  # the workbooks scenario's uploader: a 领导 may not import
SCENARIOS = ("floor", "version", "layout", "change-cached", "change-uncached", "export", "mixed", "workbooks")
# clients of each single-kind scenario by default (the targets are set at these counts)
DEFAULT_CLIENTS = {"version": 100, "layout": 20, "change-cached": 20, "change-uncached": 20, "export": 100}
MIXED_DEFAULTS = {"staff": 100, "screens": 20, "embeds": 50}
DEFAULT_SECONDS, MIXED_SECONDS = 30, 300
MINGSHUI = "370114001000"  # 明水街道: the cached filter change's street
SCREEN_STREETS = ("", MINGSHUI, "370114002000")  # the screen links: the district, 明水街道, 双山街道
EMBED_PANELS = ("map", "activities-by-month", "kpi-party_members", "latest-activities")
UNCACHED_DAYS = 5 * 365  # how far back the uncached filter change steps its as-of day
EXPORT_PATH = "/export/map.png"
UA = "bench/load.py"
# the workbooks scenario: its two uploads (bench/workbooks.py builds them), its targets, how often it looks
WORKBOOKS = (("bomb", "966 KB workbook (291 MB unpacked, identical rows)", "966 KB/291 MB workbook"),
             ("xfd", "27 KB workbook declaring A1:XFD1048576", "27 KB XFD1048576 workbook"))
WORKBOOK_SECONDS, WORKBOOK_RSS_MB = 10.0, 500.0
SIDE_POLL = 0.2  # the side client's /api/version interval and the RSS sampling interval, seconds
AFTER = 1.0  # the RSS peak and the slowest /api/version are taken over the upload and this many seconds after it
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


# ===================================================================================================
# The client side (runs in the driver process: ``python bench/load.py --drive`` with a spec on stdin)
# ===================================================================================================

class SetupError(RuntimeError):
    """A client could not log in or open its link: the scenario cannot run."""


class Http:
    """One client's keep-alive connection and cookies, as one browser tab has."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.base = f"http://{HOST}:{port}"
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        hdrs = {"Accept-Encoding": "gzip, deflate", "User-Agent": UA, "Accept": "*/*", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (0, 1):
            fresh = self.conn is None
            try:
                if fresh:
                    self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                    self.conn.connect()
                self.conn.request(method, path, body=body, headers=hdrs)
                response = self.conn.getresponse()
                data = response.read()
            except STALE:
                self.close()
                if attempt == 0 and not fresh:  # the server closed a kept-alive connection: once more, as browsers do
                    self.reconnects += 1
                    continue
                raise
            except BaseException:
                self.close()
                raise
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if not value or "1970" in rest or "max-age=0" in rest.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            if response.will_close:
                self.close()
            return response.status, response.headers, data
        raise AssertionError("unreachable")


def decoded(headers: http.client.HTTPMessage, data: bytes) -> bytes:
    encoding = (headers.get("Content-Encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    return data


def as_json(headers, data: bytes):
    return json.loads(decoded(headers, data))


def output(got, cid: str, prop: str):
    """The value a callback's response gives ``cid.prop``; None when it leaves it as it was
    (Dash answers a no_update with 200 and no entry for it)."""
    if got is None or got[0] != 200:
        return None
    try:
        return as_json(got[1], got[2])["response"].get(cid, {}).get(prop)
    except (ValueError, KeyError, AttributeError, OSError, zlib.error):
        return None


def login(h: Http, user: str, password: str) -> None:
    status, headers, data = h.request("GET", "/login")
    found = re.search(rb'name="csrf_token" value="([^"]+)"', decoded(headers, data))
    if status != 200 or found is None:
        raise SetupError(f"GET /login: {status}, no csrf_token")
    form = urlencode({"username": user, "password": password, "csrf_token": found.group(1).decode()}).encode()
    status, headers, _ = h.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                             "Origin": h.base})
    where = headers.get("Location") or ""
    if status != 302 or "/login" in where or "/password" in where:
        raise SetupError(f"login as {user}: {status} → {where or 'no redirect'}")


def open_link(h: Http, url_path: str) -> str:
    """Open a signed link (GET …?link=TOKEN: a session, then a redirect); the page it leads to."""
    status, headers, _ = h.request("GET", url_path)
    where = headers.get("Location") or ""
    if status != 302 or not where.startswith("/"):
        raise SetupError(f"opening a link: {status} → {where or 'no redirect'}")
    return where


def walk_props(node, out: dict) -> dict:
    """{component id: props} of a layout; a pattern-matching (dict) id as its JSON."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and isinstance(props.get("id"), str):
            out[props["id"]] = props
        elif isinstance(props, dict) and isinstance(props.get("id"), dict):
            out[json.dumps(props["id"], sort_keys=True)] = props
        for value in node.values():
            walk_props(value, out)
    elif isinstance(node, list):
        for value in node:
            walk_props(value, out)
    return out


class Callback:
    """One callback of /_dash-dependencies, posted the way Dash's renderer posts it."""

    def __init__(self, dep: dict):
        self.dep = dep
        self._matched: tuple = (None, None)  # (the layout's props, the outputs listed for them), the last ones
        out = dep["output"]
        if out.startswith(".."):
            self.outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in out.strip(".").split("...")]
        else:
            self.outputs = dict(zip(("id", "property"), out.rsplit(".", 1)))

    def payload(self, props: dict, values: dict, changed: list[str]) -> bytes:
        """``values`` ("id.prop" → value) override the layout's ``props``; a prop that is in neither
        is sent without a value, as the renderer sends an undefined prop."""
        def item(d: dict) -> dict:
            key, entry = f"{d['id']}.{d['property']}", {"id": d["id"], "property": d["property"]}
            if key in values:
                entry["value"] = values[key]
            elif d["property"] in props.get(d["id"], {}):
                entry["value"] = props[d["id"]][d["property"]]
            return entry

        def matched(d: dict):
            """An output of a pattern (dash's ALL): the layout's components that match it, as the renderer lists them."""
            if not d["id"].startswith("{"):
                return d
            pattern = json.loads(d["id"])
            found = [json.loads(key) for key in props if key.startswith("{")]
            return [{"id": c, "property": d["property"]} for c in found
                    if c.keys() == pattern.keys() and all(v == ["ALL"] or c[k] == v for k, v in pattern.items())]

        # the same layout every time: matched once, not on each request the clients time
        last = self._matched  # read once: the clients' threads share this callback
        if last[0] is not props:
            last = self._matched = (props, [matched(d) for d in self.outputs] if isinstance(self.outputs, list)
                                    else matched(self.outputs))
        outputs = last[1]
        return json.dumps({"output": self.dep["output"], "outputs": outputs,
                           "inputs": [item(d) for d in self.dep["inputs"]], "state": [item(d) for d in self.dep["state"]],
                           "changedPropIds": changed}).encode()


def find_callback(deps: list[dict], output: str) -> Callback:
    for dep in deps:
        if output in dep["output"].strip(".").split("...") or dep["output"] == output:
            return Callback(dep)
    raise SetupError(f"no callback with the output {output} in /_dash-dependencies")


class Recorder:
    """One client's figures, by request kind (merged after the run: no locks on the hot path)."""

    def __init__(self, clock: dict):
        self.clock = clock
        self.kinds: dict[str, dict] = {}
        self.reconnects = 0

    def done(self, h: Http) -> None:
        self.reconnects += h.reconnects
        h.close()

    def _kind(self, kind: str) -> dict:
        if kind not in self.kinds:
            self.kinds[kind] = {"ok": [], "refused": [], "errors": Counter(), "server_ms": [], "bytes": 0}
        return self.kinds[kind]

    def counted(self, started: float) -> bool:
        return self.clock["measure"] <= started < self.clock["end"]

    def call(self, h: Http, kind: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
             expect: tuple[int, ...] = (200,), refusal: int | None = None):
        """One timed request; (status, headers, body) or None after a timeout or a broken connection."""
        started = time.monotonic()
        try:
            status, hdrs, data = h.request(method, path, body, headers)
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            if self.counted(started):
                self._kind(kind)["errors"]["timeout" if isinstance(exc, TimeoutError) else type(exc).__name__] += 1
            return None
        seconds = time.monotonic() - started
        if self.counted(started):
            k = self._kind(kind)
            if status in expect:
                k["ok"].append(seconds)
                k["bytes"] += len(data)
                timing = hdrs.get("Server-Timing") or ""
                if "dur=" in timing:
                    try:
                        k["server_ms"].append(float(timing.split("dur=", 1)[1].split(",", 1)[0]))
                    except ValueError:
                        pass
            elif status == refusal:
                k["refused"].append(seconds)
            else:
                k["errors"][str(status)] += 1
        return status, hdrs, data


def pause(seconds: float, clock: dict, stop: threading.Event) -> bool:
    """Sleep, but not past the end of the run; False when the run is over."""
    left = clock["end"] - time.monotonic()
    if left <= 0 or stop.is_set():
        return False
    stop.wait(min(seconds, left))
    return time.monotonic() < clock["end"] and not stop.is_set()


def going(clock: dict, stop: threading.Event, n: int, limit: int) -> bool:
    return n < limit and time.monotonic() < clock["end"] and not stop.is_set()


# -- the clients of each scenario -------------------------------------------------------------------

class Context:
    """What every client of a run shares: the spec, the clock, the callbacks and the page templates."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.port = spec["port"]
        self.timeout = spec["timeout"]
        self.limit = spec["max_requests"]
        self.clock = {"measure": math.inf, "end": math.inf, "start": math.inf}
        self.stop = threading.Event()
        self.deps: list[dict] = []
        self.staff_props: dict = {}
        self.streets: list[str] = []

    def http(self) -> Http:
        return Http(self.port, self.timeout)

    def prepare(self) -> None:
        """The callbacks and the staff page's layout, read once (as a logged-in user)."""
        h = self.http()
        login(h, self.spec["user"], self.spec["password"])
        status, headers, data = h.request("GET", "/_dash-dependencies")
        if status != 200:
            raise SetupError(f"GET /_dash-dependencies: {status}")
        self.deps = as_json(headers, data)
        status, headers, data = h.request("GET", "/_dash-layout", headers={"Referer": h.base + "/"})
        if status != 200:
            raise SetupError(f"GET /_dash-layout: {status}")
        self.staff_props = walk_props(as_json(headers, data), {})
        self.streets = [o["value"] for o in self.staff_props.get("filter-street", {}).get("options", [])]
        if not self.streets:
            raise SetupError("the staff page's layout has no street options")
        self.change = find_callback(self.deps, "filter-state.data")
        self.staff_poll = find_callback(self.deps, "store-version.data")
        self.screen_cb = find_callback(self.deps, "screen-shown.data")
        self.embed_poll = find_callback(self.deps, "embed-version.data")
        self.embed_render = find_callback(self.deps, "embed-caption.children")
        h.close()

    def post_headers(self, page: str) -> dict:
        base = f"http://{HOST}:{self.port}"
        return {"Content-Type": "application/json", "Accept": "application/json", "Origin": base, "Referer": base + page}


def simple_client(ctx: Context, scenario: str, index: int, rec: Recorder, ready: Ready) -> None:
    """A closed-loop client of one request kind."""
    h = ctx.http()
    try:
        with ready.gate:  # the floor's clients too: the same cookie on every request, measured the same way
            login(h, ctx.spec["user"], ctx.spec["password"])
    finally:
        ready.wait()
    base = h.base
    today = dt.date.fromisoformat(ctx.spec["today"])
    street = ctx.streets[index % len(ctx.streets)]
    stride = math.ceil(ctx.spec["clients"] / len(ctx.streets))
    n = made = 0
    try:
        while going(ctx.clock, ctx.stop, n, ctx.limit):
            if scenario == "floor":
                rec.call(h, "GET /healthz", "GET", "/healthz")
            elif scenario == "version":
                rec.call(h, "GET /api/version", "GET", "/api/version")
            elif scenario == "layout":
                rec.call(h, "GET /_dash-layout (/)", "GET", "/_dash-layout", headers={"Referer": base + "/"})
            elif scenario == "change-cached":
                body = ctx.change.payload(ctx.staff_props, {"filter-street.value": [MINGSHUI]}, ["filter-street.value"])
                rec.call(h, "POST filter change (cached)", "POST", "/_dash-update-component", body, ctx.post_headers("/"))
            elif scenario == "change-uncached":
                # own street, and an as-of day no other request of the run asks for
                back = (n * stride + index // len(ctx.streets)) % UNCACHED_DAYS
                day = (today - dt.timedelta(days=back)).isoformat()
                body = ctx.change.payload(ctx.staff_props, {"filter-street.value": [street], "filter-as-of.value": day},
                                          ["filter-street.value"])
                rec.call(h, "POST filter change (uncached)", "POST", "/_dash-update-component", body, ctx.post_headers("/"))
            elif scenario == "export":
                if ctx.spec.get("export_same_url"):
                    path = EXPORT_PATH
                else:  # an image not made before in this run: one as-of day per client and image
                    back = (made * ctx.spec["clients"] + index) % UNCACHED_DAYS
                    path = f"{EXPORT_PATH}?as_of={(today - dt.timedelta(days=back)).isoformat()}"
                got = rec.call(h, f"GET {EXPORT_PATH}", "GET", path, refusal=503)
                if got is not None and got[0] == 503:
                    try:
                        wait = float(got[1].get("Retry-After") or 5)
                    except ValueError:
                        wait = 5.0
                    pause(wait, ctx.clock, ctx.stop)  # then the same image again
                else:
                    made += 1
            n += 1
    finally:
        rec.done(h)


def staff_client(ctx: Context, rec: Recorder, ready: Ready, rng: random.Random) -> None:
    """Opens /, changes the street a few times with pauses, polls the version; again and again."""
    h = ctx.http()
    try:
        with ready.gate:
            login(h, ctx.spec["user"], ctx.spec["password"])
    finally:
        ready.wait()
    think, refresh, changes = ctx.spec["think"], ctx.spec["refresh"], ctx.spec["changes"]
    headers = ctx.post_headers("/")
    n, polls = 0, 1
    try:
        if not pause(rng.uniform(0, ctx.spec["ramp"]), ctx.clock, ctx.stop):
            return
        while going(ctx.clock, ctx.stop, n, ctx.limit):
            # a visit: the page, its layout and its callbacks (bundles are in the browser's cache)
            rec.call(h, "staff GET /", "GET", "/")
            rec.call(h, "staff GET /_dash-layout", "GET", "/_dash-layout", headers={"Referer": h.base + "/"})
            rec.call(h, "staff GET /_dash-dependencies", "GET", "/_dash-dependencies", headers={"Referer": h.base + "/"})
            n += 3
            props = ctx.staff_props
            values = {"url.search": "", "filter-street.value": [], "filter-state.data": props["filter-state"]["data"],
                      "store-version.data": props["store-version"]["data"]}
            last_poll = time.monotonic()
            for _ in range(changes):
                if not pause(think * rng.uniform(0.5, 1.5), ctx.clock, ctx.stop) or n >= ctx.limit:
                    return
                if time.monotonic() - last_poll >= refresh:
                    body = ctx.staff_poll.payload(props, {"poll.n_intervals": polls,
                                                          "store-version.data": values["store-version.data"]},
                                                  ["poll.n_intervals"])
                    got = rec.call(h, "staff POST poll", "POST", "/_dash-update-component", body, headers, expect=(200, 204))
                    polls, last_poll, n = polls + 1, time.monotonic(), n + 1
                    values["store-version.data"] = output(got, "store-version", "data") or values["store-version.data"]
                current = values["filter-street.value"]
                street = rng.choice([s for s in ctx.streets if [s] != current])
                values["filter-street.value"] = [street]
                body = ctx.change.payload(props, values, ["filter-street.value"])
                got = rec.call(h, "staff POST filter change", "POST", "/_dash-update-component", body, headers)
                n += 1
                values["filter-state.data"] = output(got, "filter-state", "data") or values["filter-state.data"]
                search = output(got, "url", "search")
                values["url.search"] = values["url.search"] if search is None else search
            if not pause(think * rng.uniform(0.5, 1.5), ctx.clock, ctx.stop):
                return
    finally:
        rec.done(h)


def arrive(ctx: Context, link: str, ready: Ready):
    """A device opens its signed link once (before the clock starts): (connection, page, POST headers)."""
    h = ctx.http()
    try:
        with ready.gate:
            page = open_link(h, link)
    finally:
        ready.wait()
    return h, page, ctx.post_headers(page)


def load_page(ctx: Context, h, page: str, rec: Recorder, rng: random.Random, kind: str, label: str) -> dict | None:
    """After a random wait within the ramp: the page, its layout and its callbacks, as the browser
    asks for them; the layout's component properties (None when the run ended meanwhile)."""
    if not pause(rng.uniform(0, ctx.spec["ramp"]), ctx.clock, ctx.stop):
        return None
    rec.call(h, f"{kind} GET {label}", "GET", page)
    got = rec.call(h, f"{kind} GET /_dash-layout", "GET", "/_dash-layout", headers={"Referer": h.base + page})
    rec.call(h, f"{kind} GET /_dash-dependencies", "GET", "/_dash-dependencies", headers={"Referer": h.base + page})
    return walk_props(as_json(got[1], got[2]), {}) if got is not None and got[0] == 200 else {}


def screen_client(ctx: Context, link: str, rec: Recorder, ready: Ready, rng: random.Random) -> None:
    """A wall screen: opens its link once, then GETs /api/version every refresh interval and posts
    the screen's callback when the version changed."""
    h, page, headers = arrive(ctx, link, ready)
    n = 0
    try:
        props = load_page(ctx, h, page, rec, rng, "screen", "/screen")
        if props is None:
            return
        n += 3
        # the renderer's initial call: no version yet (assets/screen.js sets it), so nothing to draw
        rec.call(h, "screen POST callback", "POST", "/_dash-update-component", ctx.screen_cb.payload(props, {}, []), headers)
        n += 1
        shown, version = None, None
        while going(ctx.clock, ctx.stop, n, ctx.limit):
            polled = time.monotonic()
            got = rec.call(h, "screen GET /api/version", "GET", "/api/version")
            n += 1
            v = None
            if got is not None and got[0] == 200:
                try:
                    v = as_json(got[1], got[2])
                except (ValueError, OSError, zlib.error):
                    v = None
            if isinstance(v, dict):
                if version is None or v.get("version") != version.get("version"):
                    version = v
                    body = ctx.screen_cb.payload(props, {"screen-version.data": v, "screen-shown.data": shown},
                                                 ["screen-version.data"])
                    got = rec.call(h, "screen POST callback", "POST", "/_dash-update-component", body, headers)
                    n += 1
                    shown = output(got, "screen-shown", "data") or shown
            if not pause(ctx.spec["refresh"] - (time.monotonic() - polled), ctx.clock, ctx.stop):
                return
    finally:
        rec.done(h)


def embed_client(ctx: Context, link: str, rec: Recorder, ready: Ready, rng: random.Random) -> None:
    """A panel framed in another page: opens its link once, loads, then polls every refresh interval."""
    h, page, headers = arrive(ctx, link, ready)
    n = 0
    try:
        props = load_page(ctx, h, page, rec, rng, "embed", "/embed/…")
        if props is None:
            return
        n += 3
        version, polls = None, 0
        while going(ctx.clock, ctx.stop, n, ctx.limit):
            polled = time.monotonic()
            # the renderer's initial call (no interval yet), then one per interval
            ticks = {"embed-poll.n_intervals": polls} if polls else {}
            body = ctx.embed_poll.payload(props, {**ticks, "embed-version.data": version},
                                          ["embed-poll.n_intervals"] if polls else [])
            got = rec.call(h, "embed POST poll", "POST", "/_dash-update-component", body, headers, expect=(200, 204))
            polls, n = polls + 1, n + 1
            new = output(got, "embed-version", "data")
            if new is not None:  # a new version (or the first): the panel is drawn again
                version = new
                body = ctx.embed_render.payload(props, {"embed-version.data": version}, ["embed-version.data"])
                rec.call(h, "embed POST render", "POST", "/_dash-update-component", body, headers)
                n += 1
            if not pause(ctx.spec["refresh"] - (time.monotonic() - polled), ctx.clock, ctx.stop):
                return
    finally:
        rec.done(h)


# -- the server's memory -----------------------------------------------------------------------------

def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc/*/stat). The app has the same walk
    (dashboard.export.rendering.descendants), but the driver process that calls this stays free of
    the app's imports (plotly, the settings): it runs on the same cores as the server it measures."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo and len(found) < 10_000:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def resident_kb(p: int) -> int | None:
    """The memory a process holds, in kB: its proportional set size (Pss: a page shared by n
    processes counts 1/n in each). The server's workers are forked from one process that has
    imported the app, so most of their pages are shared; their VmRSS would count each shared page
    once per process and a tree of three processes holding ~220 MB would read ~500 MB. VmRSS
    where smaps_rollup cannot be read."""
    try:
        found = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{p}/smaps_rollup").read_text(), re.M)
    except OSError:
        found = None
    if found is None:
        try:
            found = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{p}/status").read_text(), re.M)
        except OSError:
            return None
    return int(found.group(1)) if found else None


def rss_mb(pid: int) -> float | None:
    """The memory of the server process and its descendants (see :func:`resident_kb`), in MB
    (None once it is gone)."""
    sizes = [kb for p in descendants(pid) if (kb := resident_kb(p)) is not None]
    return round(sum(sizes) / 1024, 1) if sizes else None


# -- running one scenario ----------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(recorders: list[Recorder], window: float, clients: dict[str, int]) -> dict:
    merged: dict[str, dict] = {}
    for rec in recorders:
        for kind, k in rec.kinds.items():
            m = merged.setdefault(kind, {"ok": [], "refused": [], "errors": Counter(), "server_ms": [], "bytes": 0})
            m["ok"] += k["ok"]
            m["refused"] += k["refused"]
            m["errors"].update(k["errors"])
            m["server_ms"] += k["server_ms"]
            m["bytes"] += k["bytes"]
    out = {}
    for kind, m in merged.items():
        ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
        ok = m["ok"]
        out[kind] = {
            "clients": clients.get(kind.split(" ", 1)[0], clients.get("*")),
            "requests": len(ok), "req_per_s": round(len(ok) / window, 1) if window > 0 else None,
            "p50_ms": ms(percentile(ok, 50)), "p95_ms": ms(percentile(ok, 95)), "p99_ms": ms(percentile(ok, 99)),
            "max_ms": ms(max(ok) if ok else None),
            "errors": sum(m["errors"].values()), "error_kinds": dict(m["errors"]),
            "refused_503": len(m["refused"]), "refused_max_ms": ms(max(m["refused"]) if m["refused"] else None),
            "refused_over_100ms": sum(1 for s in m["refused"] if s >= 0.1),
            "server_p50_ms": None if not m["server_ms"] else round(percentile(m["server_ms"], 50), 1),
            "mean_bytes": round(m["bytes"] / len(ok)) if ok else None,
        }
    return out


class Ready:
    """The clients' start: each sets up (logs in, opens its link) when the gate lets it – a few at
    a time, as the login's password hash is meant to be slow – then waits for the others."""

    def __init__(self, clients: int, action, gate_size: int = 8):
        self.gate = threading.Semaphore(gate_size)
        self.barrier = threading.Barrier(clients + 1, action=action, timeout=max(120.0, clients * 2.0))

    def wait(self) -> None:
        self.barrier.wait()


def drive(spec: dict) -> dict:
    """Run one scenario's clients, one thread each; its figures."""
    ctx = Context(spec)
    ctx.prepare()
    scenario, seconds, warmup = spec["scenario"], spec["seconds"], spec["warmup"]
    rng = random.Random(20261129)
    starts: list = []  # (function, extra arguments) per client
    if scenario == "mixed":
        screens, embeds = spec["links"]["screen"], spec["links"]["embed"]
        starts += [(staff_client, ()) for _ in range(spec["staff"])]
        starts += [(screen_client, (screens[i % len(screens)],)) for i in range(spec["screens"])]
        starts += [(embed_client, (embeds[i % len(embeds)],)) for i in range(spec["embeds"])]
        clients = {"staff": spec["staff"], "screen": spec["screens"], "embed": spec["embeds"]}
    else:
        starts = [(simple_client, (scenario, i)) for i in range(spec["clients"])]
        clients = {"*": spec["clients"]}

    def start_clock() -> None:
        now = time.monotonic()
        ctx.clock.update(start=now, measure=now + warmup, end=now + warmup + seconds)

    ready = Ready(len(starts), start_clock)
    recorders = [Recorder(ctx.clock) for _ in starts]
    failures: list[str] = []

    def run(fn, extra: tuple, rec: Recorder, seed: float) -> None:
        try:
            if fn is simple_client:
                fn(ctx, *extra, rec, ready)
            elif fn is staff_client:
                fn(ctx, rec, ready, random.Random(seed))
            else:
                fn(ctx, *extra, rec, ready, random.Random(seed))
        except SetupError as exc:
            failures.append(str(exc))
            ctx.stop.set()
        except threading.BrokenBarrierError:
            failures.append("the clients did not all get ready in time")
            ctx.stop.set()
        except Exception as exc:  # noqa: BLE001 - a client's own failure must not hang the run; it is reported
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(fn, extra, rec, rng.random()), daemon=True)
               for (fn, extra), rec in zip(starts, recorders)]
    for t in threads:
        t.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        ctx.stop.set()
    if ctx.stop.is_set():
        for t in threads:
            t.join(timeout=spec["timeout"] + 5)
        raise SetupError(failures[0] if failures else "the clients could not get ready")
    print(f"    {len(starts)} clients ready; measuring {seconds:g} s after {warmup:g} s of warm-up", file=sys.stderr, flush=True)

    # the server's memory: every 10 s, at the mark (counted from the end of the warm-up) and at the end
    pid, mark = spec["server_pid"], spec.get("rss_mark")
    samples: list[list] = [[0.0, rss_mb(pid)]]
    rss_mark, next_sample = None, ctx.clock["start"] + 10
    while time.monotonic() < ctx.clock["end"] and not ctx.stop.is_set():
        now = time.monotonic()
        if mark is not None and rss_mark is None and now >= ctx.clock["measure"] + mark:
            rss_mark = rss_mb(pid)
            samples.append([round(now - ctx.clock["start"], 1), rss_mark])
        elif now >= next_sample:
            samples.append([round(now - ctx.clock["start"], 1), rss_mb(pid)])
            next_sample += 10
        time.sleep(max(0.0, min(0.25, ctx.clock["end"] - time.monotonic())))
    rss_end = rss_mb(pid)
    samples.append([round(time.monotonic() - ctx.clock["start"], 1), rss_end])
    for t in threads:  # each finishes its last request (bounded by --timeout)
        t.join(timeout=spec["timeout"] + 10)
    return {
        "scenario": scenario, "seconds": seconds, "warmup": warmup, "clients": clients,
        "kinds": summarise(recorders, seconds, clients), "rss_mb_end": rss_end, "rss_mb_mark": rss_mark,
        "rss_mark_s": mark, "rss_samples": samples, "client_failures": failures[:10],
        "clients_still_running": sum(t.is_alive() for t in threads),
        "reconnects": sum(r.reconnects for r in recorders),
    }


# -- the workbooks scenario: two hostile uploads, one at a time, while a side client polls -----------

def rss_processes(pid: int) -> dict[int, tuple[str, float, bool]]:
    """{pid: (name, memory MB (see :func:`resident_kb`), whether it runs this Python)} of the server process and its
    descendants: the server's own processes (python app.py, its gunicorn workers) run the
    interpreter that started it; the export renderer's (its driver, Chromium) do not."""
    python = os.path.realpath(sys.executable)
    out = {}
    for p in descendants(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
            exe = os.path.realpath(f"/proc/{p}/exe")
        except OSError:
            continue
        kb = resident_kb(p)
        name = re.search(r"^Name:\s+(.*)$", status, re.M)
        if kb is not None:
            out[p] = (name.group(1) if name else "?", kb / 1024, exe == python)
    return out


def texts(node) -> list[str]:
    """The strings of a Dash component tree, in order."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        props = node.get("props")
        return texts(props.get("children")) if isinstance(props, dict) else []
    if isinstance(node, list):
        return [t for n in node for t in texts(n)]
    return []


def reasons(node, out: list[str]) -> list[str]:
    """The 原因 cells of the preview's problem table."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and "cell-reason" in str(props.get("className") or ""):
            out.append("".join(texts(props.get("children"))))
        for value in node.values():
            reasons(value, out)
    elif isinstance(node, list):
        for value in node:
            reasons(value, out)
    return out


def ledger_payload(output: str, trigger: str, contents=None, filename=None, token=None) -> bytes:
    """The /data page's one callback (upload, confirm, cancel), posted as Dash's renderer posts it."""
    changed = {"upload": "data-upload.contents", "confirm": "data-confirm.n_clicks", "cancel": "data-cancel.n_clicks"}
    return json.dumps({
        "output": output,
        "outputs": [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in output.strip(".").split("...")],
        "inputs": [{"id": "data-upload", "property": "contents", "value": contents},
                   {"id": "data-confirm", "property": "n_clicks", "value": 1 if trigger == "confirm" else None},
                   {"id": "data-cancel", "property": "n_clicks", "value": 1 if trigger == "cancel" else None}],
        "state": [{"id": "data-upload", "property": "filename", "value": filename},
                  {"id": "data-token", "property": "data", "value": token},
                  {"id": "data-log-version", "property": "data", "value": 0}],
        "changedPropIds": [changed[trigger]],
    }).encode()


def drive_workbooks(spec: dict) -> dict:
    """Upload each hostile workbook through /data as the 管理员, one at a time, and time the answer,
    while a side client (the 领导) GETs /api/version every 0.2 s and the server tree's RSS is read
    every 0.2 s, over the upload and the second after its answer. A second of quiet comes before each."""
    import workbooks as books  # bench/workbooks.py

    admin = Http(spec["port"], spec["upload_timeout"])
    login(admin, spec["admin"], spec["admin_password"])
    status, headers, data = admin.request("GET", "/_dash-dependencies")
    if status != 200:
        raise SetupError(f"GET /_dash-dependencies: {status}")
    output = next((d["output"] for d in as_json(headers, data) if "data-preview.children" in d["output"]), None)
    if output is None:
        raise SetupError("no callback with the output data-preview.children in /_dash-dependencies")
    status, _, _ = admin.request("GET", "/data")  # the page, as the 管理员 opens it before uploading
    if status != 200:
        raise SetupError(f"GET /data as {spec['admin']}: {status}")
    side = Http(spec["port"], spec["timeout"])
    login(side, spec["user"], spec["password"])
    pid, stop = spec["server_pid"], threading.Event()
    polls: list[tuple[float, float, object]] = []   # (start, end, status or error)
    samples: list[tuple[float, float, float, dict]] = []  # (time, tree MB, Python MB, {pid: (name, MB, Python)})

    def poll() -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                got = side.request("GET", "/api/version")[0]
            except (OSError, http.client.HTTPException) as exc:
                got = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
            polls.append((started, time.monotonic(), got))
            stop.wait(max(0.0, SIDE_POLL - (time.monotonic() - started)))

    def sample() -> None:
        while not stop.is_set():
            procs = rss_processes(pid)
            samples.append((time.monotonic(), round(sum(mb for _, mb, _ in procs.values()), 1),
                            round(sum(mb for _, mb, own in procs.values() if own), 1), procs))
            stop.wait(SIDE_POLL)

    threads = [threading.Thread(target=poll, daemon=True), threading.Thread(target=sample, daemon=True)]
    for t in threads:
        t.start()
    results = []
    try:
        for key, label, short in WORKBOOKS:
            payload = books.bomb_workbook() if key == "bomb" else books.xfd_workbook()
            info = zipfile.ZipFile(io.BytesIO(payload)).getinfo(books.SHEET1)
            name = "台账.xlsx"
            body = ledger_payload(output, "upload", [f"data:{XLSX_TYPE};base64," + base64.b64encode(payload).decode()], [name])
            print(f"    {label}: {len(payload):,} bytes, its sheet {info.file_size:,} bytes unpacked; uploading",
                  file=sys.stderr, flush=True)
            time.sleep(1.0)
            t0 = time.monotonic()
            error = None
            try:
                status, headers, data = admin.request("POST", "/_dash-update-component", body, {
                    "Content-Type": "application/json", "Accept": "application/json", "Origin": admin.base,
                    "Referer": admin.base + "/data"})
            except (OSError, http.client.HTTPException) as exc:
                status, headers, data = None, None, b""
                error = f"no answer within {spec['upload_timeout']:g} s" if isinstance(exc, TimeoutError) else type(exc).__name__
            t1 = time.monotonic()
            time.sleep(AFTER + SIDE_POLL)
            answer, problems, token = "", [], None
            if status == 200:
                try:
                    response = as_json(headers, data)["response"]
                except (ValueError, KeyError, OSError, zlib.error):
                    response = {}
                answer = "".join(texts(response.get("data-message", {}).get("children")))
                problems = reasons(response.get("data-preview", {}).get("children"), [])
                token = (response.get("data-token", {}).get("data") or {}).get("token")
            elif status is not None:
                error = f"HTTP {status}"
            outcome = ("checked" if token else "refused" if answer and "错误" in answer else "answered") if status == 200 else "failed"
            if token:  # a passing check waits in the store for a confirm: cancel it, as the user would
                try:
                    admin.request("POST", "/_dash-update-component", ledger_payload(output, "cancel", token={"token": token}),
                                  {"Content-Type": "application/json", "Origin": admin.base, "Referer": admin.base + "/data"})
                except (OSError, http.client.HTTPException):
                    pass
            # the upload and the second after its answer (a quick answer may fall between two polls)
            during = [x for x in samples if t0 - SIDE_POLL <= x[0] <= t1 + AFTER]
            before = [x for x in samples if x[0] < t0]
            peak = max(during, key=lambda x: x[1], default=None)
            own_peak = max(during, key=lambda x: x[2], default=None)
            overlapping = [x for x in polls if x[0] <= t1 + AFTER and x[1] >= t0]
            results.append({
                "workbook": key, "label": label, "short": short, "file_bytes": len(payload), "sheet_unpacked_bytes": info.file_size,
                "seconds": round(t1 - t0, 3), "status": status, "error": error, "outcome": outcome,
                "answer": answer, "problems": problems[:5], "problem_count": len(problems),
                "rss_mb_before": before[-1][1] if before else None,
                "rss_mb_peak": peak[1] if peak else None,
                "rss_mb_python_before": before[-1][2] if before else None,
                "rss_mb_python_peak": own_peak[2] if own_peak else None,
                "rss_peak_processes": {str(p): [n, round(mb, 1), "python" if own else "other"]
                                       for p, (n, mb, own) in sorted(peak[3].items())} if peak else {},
                "rss_mb_largest_process_peak": round(max((mb for x in during for _, mb, _ in x[3].values()), default=0), 1) or None,
                "rss_samples": len(during),
                "version_polls": len(overlapping),
                "version_max_ms": round(max((x[1] - x[0] for x in overlapping), default=0) * 1000, 1) if overlapping else None,
                "version_errors": sum(1 for x in overlapping if x[2] != 200),
            })
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=spec["timeout"] + 5)
        admin.close()
        side.close()
    return {"scenario": "workbooks", "seconds": 0, "clients": {"*": 1}, "kinds": {}, "workbooks": results,
            "rss_mb_end": rss_mb(pid), "version_polls_total": len(polls)}


def driver_main() -> int:
    """``--drive``: the spec (JSON) on stdin, the figures (JSON) on stdout."""
    spec = json.loads(sys.stdin.read())
    try:
        result = drive_workbooks(spec) if spec["scenario"] == "workbooks" else drive(spec)
    except SetupError as exc:
        result = {"scenario": spec["scenario"], "setup_error": str(exc)}
    except KeyboardInterrupt:
        return 130
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


# ===================================================================================================
# The orchestrator: the store, the user and links (CLI), the server, one driver process per scenario
# ===================================================================================================

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def cli(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``python -m dashboard …`` as a deployment script runs it."""
    return subprocess.run([sys.executable, "-m", "dashboard", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300, check=False)


def make_user(env: dict, password: str, name: str = USER, role: str = "leader", display: str = "压测用户") -> None:
    """The benchmark's 领导 (sees every street, may export) – or, for the workbooks scenario, its
    管理员 (may import) – made or reset through the CLI."""
    out = cli(env, "user", "add", name, "--role", role, "--display-name", display, "--password-stdin",
              stdin=password + "\n")
    if out.returncode != 0:
        if "已存在" not in out.stderr:
            raise RuntimeError(f"user add: {out.stderr.strip()}")
        for step in (("user", "passwd", name, "--password-stdin"), ("user", "enable", name)):
            out = cli(env, *step, stdin=password + "\n")
            if out.returncode != 0:
                raise RuntimeError(f"{' '.join(step[:2])}: {out.stderr.strip()}")


def make_link(env: dict, *target: str) -> str:
    """A signed link through the CLI (valid one day; this run's secret key signs it): its path and query."""
    out = cli(env, "link", "create", *target, "--expires", "1d", "--note", "bench/load.py", "--by", USER)
    if out.returncode != 0:
        raise RuntimeError(f"link create {' '.join(target)}: {out.stderr.strip()}")
    url = out.stdout.strip().splitlines()[0]
    found = re.match(r"https?://[^/]+(/\S+)$", url)
    if not found:
        raise RuntimeError(f"link create printed no link: {out.stdout!r}")
    return found.group(1)


class ServerProcess:
    """``python app.py`` or ``gunicorn 'app:create_app()'`` in its own process group."""

    def __init__(self, kind: str, env: dict, port: int, workers: int, threads: int, log_path: Path):
        self.kind, self.env, self.port, self.workers, self.threads = kind, env, port, workers, threads
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        if self.kind == "app":
            return [sys.executable, "app.py"]
        return [sys.executable, "-m", "gunicorn", "app:create_app()", "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers), "--worker-class", "gthread", "--threads", str(self.threads),
                "--graceful-timeout", "15", "--access-logfile", "-"]

    def start(self) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # Ctrl+C reaches us, not it: we stop it ourselves
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.proc.returncode}: see {self.log_path}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer /healthz within 180 s: see {self.log_path}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        """SIGTERM (the deployment's graceful stop), then SIGKILL to what is left of its process group."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                print(f"the server did not stop within 25 s of SIGTERM: killing its process group {self.proc.pid}")
        try:  # its renderer's Chromium, should any have outlived it (the group is the one we started)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait(timeout=10)


class LogWatch:
    """What the server said about itself during a scenario: waitress's connection limit (its
    default, 100, counts the listening socket too: clients beyond it wait unserved), its task
    queue (requests waiting for a thread) and logged errors."""

    def __init__(self, path: Path):
        self.path, self.offset = path, 0

    def since_last(self) -> dict:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                text = f.read().decode("utf-8", "replace")
                self.offset = f.tell()
        except OSError:
            return {}
        depths = [int(d) for d in re.findall(r"Task queue depth is (\d+)", text)]
        return {"connection_limit_reached": text.count("reached the connection limit"),
                "max_task_queue_depth": max(depths, default=0),
                "logged_errors": len(re.findall(r" (?:ERROR|CRITICAL) ", text))}


def run_driver(spec: dict, allowance: float) -> dict:
    """This script with ``--drive``, in its own process; its figures."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--drive"], input=json.dumps(spec),
                         stdout=subprocess.PIPE, text=True, cwd=ROOT, timeout=allowance, check=False)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    if out.returncode != 0 or not lines:
        return {"scenario": spec["scenario"], "setup_error": f"the driver exited with status {out.returncode}"}
    return json.loads(lines[-1])


# -- printing and judging ----------------------------------------------------------------------------

def _n(value, fmt: str = "{:.0f}") -> str:
    return "—" if value is None else fmt.format(value)


HEAD = (f"  {'request kind':<40} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'errors':>6} {'503':>5} {'server ms':>9} {'RSS MB':>7}")


def kind_line(kind: str, k: dict, rss: float | None, floor_rps: float | None = None) -> str:
    versus = f"  ({k['req_per_s'] / floor_rps:.2f}× floor)" if floor_rps and k["req_per_s"] is not None else ""
    errors = k["errors"]
    detail = f"  [{', '.join(f'{n}× {e}' for e, n in k['error_kinds'].items())}]" if errors else ""
    return (f"  {kind:<40} {_n(k['clients'], '{}'):>7} {_n(k['req_per_s'], '{:.1f}'):>8} {_n(k['p50_ms'], '{:.1f}'):>8} "
            f"{_n(k['p95_ms'], '{:.1f}'):>8} {_n(k['p99_ms'], '{:.1f}'):>8} {_n(k['max_ms']):>8} {errors:>6} "
            f"{k['refused_503']:>5} {_n(k['server_p50_ms'], '{:.1f}'):>9} {_n(rss, '{:.0f}'):>7}{versus}{detail}")


WORKBOOK_HEAD = (f"  {'workbook (uploaded through /data)':<50} {'seconds':>7} {'outcome':>8} {'RSS MB before':>13} "
                 f"{'RSS MB peak':>11} {'of it Python':>12} {'largest process':>15} {'/api/version max ms':>19} "
                 f"{'polls':>5} {'errors':>6}")


def workbook_line(w: dict) -> str:
    return (f"  {w['label']:<50} {w['seconds']:>7.2f} {w['outcome']:>8} {_n(w['rss_mb_before']):>13} {_n(w['rss_mb_peak']):>11} "
            f"{_n(w['rss_mb_python_peak']):>12} {_n(w['rss_mb_largest_process_peak']):>15} {_n(w['version_max_ms'], '{:.1f}'):>19} "
            f"{w['version_polls']:>5} {w['version_errors']:>6}")


def workbook_answer(w: dict) -> str:
    """What the page said: its message, then the first reason of the problem table."""
    said = w["answer"] or w["error"] or "(no message)"
    if w["problems"]:
        said += f" — {w['problems'][0]}" + (f" (+{w['problem_count'] - 1} more)" if w["problem_count"] > 1 else "")
    return f"    {w['workbook']}: {said}"


def print_scenario(result: dict, floor_rps: float | None) -> None:
    log = result.get("server_log") or {}
    if log.get("connection_limit_reached"):
        print("  note: waitress reached its connection limit (100 open connections, its listening socket included) "
              f"{log['connection_limit_reached']}× – clients beyond it waited unserved until a connection closed")
    if log.get("logged_errors"):
        print(f"  note: the server logged {log['logged_errors']} errors (see its log)")
    if "setup_error" in result:
        print(f"  could not run: {result['setup_error']}")
        return
    if result["scenario"] == "workbooks":
        print(WORKBOOK_HEAD)
        for w in result["workbooks"]:
            print(workbook_line(w))
        print("  what the page answered:")
        for w in result["workbooks"]:
            print(workbook_answer(w))
        return
    print(HEAD)
    for kind, k in result["kinds"].items():
        print(kind_line(kind, k, result["rss_mb_end"], floor_rps if result["scenario"] != "mixed" else None))
    extra = []
    if result.get("reconnects"):
        extra.append(f"{result['reconnects']} kept-alive connections closed by the server and reopened")
    if result.get("client_failures"):
        extra.append("client failures: " + "; ".join(result["client_failures"]))
    if result.get("clients_still_running"):
        extra.append(f"{result['clients_still_running']} clients still waiting at the end")
    if log.get("max_task_queue_depth"):
        extra.append(f"up to {log['max_task_queue_depth']} requests waited for a server thread (waitress's task queue)")
    for line in extra:
        print(f"  note: {line}")


def judge(results: dict, mixed_counts: dict) -> list[dict]:
    """Each target with its measured value: met, missed, or not judged (the run differs from its conditions)."""
    rows: list[dict] = []

    def add(name: str, measured: str, ok: bool, judged: bool, why: str = "") -> None:
        rows.append({"target": name, "measured": measured, "status": ("met" if ok else "missed") if judged else "not judged",
                     "note": why})

    def kind(scenario: str, label: str) -> dict | None:
        """The kind's figures; None if the scenario did not run; all zero if it ran without one success."""
        r = results.get(scenario)
        if not r or "setup_error" in r:
            return None
        return r["kinds"].get(label) or {"req_per_s": 0.0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None,
                                         "errors": 0, "error_kinds": {}, "refused_503": 0, "refused_max_ms": None,
                                         "refused_over_100ms": 0}

    def clients_of(scenario: str) -> int:
        return results[scenario]["clients"]["*"]

    floor = kind("floor", "GET /healthz")
    v = kind("version", "GET /api/version")
    if v and floor:
        n = clients_of("version")
        ok = 0 < 0.8 * floor["req_per_s"] <= v["req_per_s"] and v["p99_ms"] is not None and v["p99_ms"] <= 250
        ratio = v["req_per_s"] / floor["req_per_s"] if floor["req_per_s"] else math.nan
        add("/api/version at 100 clients: req/s ≥ 0.8 × floor, p99 ≤ 250 ms",
            f"{v['req_per_s']:.1f} req/s = {ratio:.2f}× floor ({floor['req_per_s']:.1f}), "
            f"p99 {_n(v['p99_ms'], '{:.1f}')} ms", ok, n == 100, "" if n == 100 else f"ran at {n} clients")
    for scenario, label, name, rps, p95 in (
            ("layout", "GET /_dash-layout (/)", "/_dash-layout for / at 20 clients: ≥ 200 req/s, p95 ≤ 250 ms", 200, 250),
            ("change-cached", "POST filter change (cached)", "cached filter change at 20 clients: ≥ 150 req/s", 150, None),
            ("change-uncached", "POST filter change (uncached)", "uncached filter change at 20 clients: ≥ 40 req/s", 40, None)):
        k = kind(scenario, label)
        if k:
            n = clients_of(scenario)
            ok = k["req_per_s"] >= rps and (p95 is None or (k["p95_ms"] is not None and k["p95_ms"] <= p95))
            add(name, f"{k['req_per_s']:.1f} req/s" + (f", p95 {_n(k['p95_ms'], '{:.1f}')} ms" if p95 else ""),
                ok, n == 20, "" if n == 20 else f"ran at {n} clients")
    e = kind("export", f"GET {EXPORT_PATH}")
    if e:
        n = clients_of("export")
        slowest = max(x for x in (e["max_ms"], e["refused_max_ms"], 0) if x is not None)
        timeouts = e["error_kinds"].get("timeout", 0)
        ok = slowest <= 15_000 and timeouts == 0 and e["refused_over_100ms"] == 0
        refused = (f"{e['refused_503']} refused (503), slowest refusal {_n(e['refused_max_ms'], '{:.1f}')} ms, "
                   f"{e['refused_over_100ms']} at ≥ 100 ms" if e["refused_503"] else "none refused (no 503 seen)")
        add("exports at 100 clients: none waits > 15 s; refusals (503) in < 100 ms",
            f"slowest {slowest / 1000:.2f} s, {timeouts} timeouts; {refused}", ok, n == 100,
            "" if n == 100 else f"ran at {n} clients")
    m = results.get("mixed")
    if m and "setup_error" not in m and not m["kinds"]:
        add("mixed: p95 ≤ 500 ms, 0 errors, RSS within 10 %", "no request completed", False, True)
    elif m and "setup_error" not in m:
        full = mixed_counts == MIXED_DEFAULTS and m["seconds"] >= 300
        why = "" if full else "short or smaller run (the targets are for 100 staff, 20 screens, 50 embeds, 300 s)"
        worst = max(m["kinds"].items(), key=lambda kv: kv[1]["p95_ms"] or 0)
        ok = all(k["p95_ms"] is not None and k["p95_ms"] <= 500 for k in m["kinds"].values())
        add("mixed: p95 ≤ 500 ms for every kind of page request",
            f"worst p95 {_n(worst[1]['p95_ms'], '{:.1f}')} ms ({worst[0]})", ok, full, why)
        errors = sum(k["errors"] for k in m["kinds"].values())
        add("mixed: 0 errors", f"{errors} errors", errors == 0, full, why)
        a, b = m["rss_mb_mark"], m["rss_mb_end"]
        growth = None if not a or b is None else (b - a) / a
        add("mixed: server RSS within 10 % from minute 1 to the end",
            f"{_n(a)} MB at {m['rss_mark_s']:.0f} s → {_n(b)} MB at the end ({_n(None if growth is None else growth * 100, '{:+.1f}')} %)",
            growth is not None and abs(growth) <= 0.10, full and growth is not None, why)
    wb = results.get("workbooks")
    if wb and "setup_error" not in wb:
        for w in wb["workbooks"]:
            answered = w["status"] == 200 and w["outcome"] in ("refused", "checked")
            rss = w["rss_mb_python_peak"]
            ok = answered and w["seconds"] <= WORKBOOK_SECONDS and rss is not None and rss < WORKBOOK_RSS_MB
            renderer = (w["rss_mb_peak"] or 0) - (rss or 0)
            add(f"{w['short']}: answered ≤ 10 s, RSS < 500 MB",
                f"{w['outcome']} in {w['seconds']:.2f} s, RSS peak {_n(rss)} MB"
                + (f" (+{renderer:.0f} MB of the export renderer: {_n(w['rss_mb_peak'])} MB in all)" if renderer >= 1 else "")
                + f"; /api/version max {_n(w['version_max_ms'], '{:.0f}')} ms", ok, True)
    return rows


# -- main --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", action="append", choices=("all", *SCENARIOS), metavar="NAME",
                   help=f"one of {', '.join(SCENARIOS)} or all (default); repeat for several (floor always runs first)")
    p.add_argument("--seconds", type=float, help=f"measured seconds per scenario (default {DEFAULT_SECONDS}; mixed {MIXED_SECONDS})")
    p.add_argument("--clients", type=int, help="clients of each single-kind scenario and of the floor "
                   "(default: version 100, layout 20, change-* 20, export 100; the floor as version)")
    p.add_argument("--staff", type=int, default=MIXED_DEFAULTS["staff"], help="mixed: staff page users (default 100)")
    p.add_argument("--screens", type=int, default=MIXED_DEFAULTS["screens"], help="mixed: big screens (default 20)")
    p.add_argument("--embeds", type=int, default=MIXED_DEFAULTS["embeds"], help="mixed: embed viewers (default 50)")
    p.add_argument("--think", type=float, default=2.0, help="mixed: a staff user's pause before each action, ±50 %% (default 2 s)")
    p.add_argument("--changes", type=int, default=5, help="mixed: filter changes per visit of / (default 5)")
    p.add_argument("--ramp", type=float, default=10.0, help="mixed: clients arrive over this many seconds (default 10)")
    p.add_argument("--refresh", type=int, default=10, help="DASHBOARD_REFRESH_SECONDS of the server and the pages' poll (default 10)")
    p.add_argument("--rss-mark", type=float, help="mixed: when to read the RSS the end is compared with "
                   "(default 60 s, a third of the run when it is shorter than 120 s)")
    p.add_argument("--export-same-url", action="store_true",
                   help="export: ask for the bare /export/map.png every time (served from the image cache after the first)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds at the start of each scenario not counted (default 2)")
    p.add_argument("--timeout", type=float, default=30.0, help="a request's socket timeout (default 30 s)")
    p.add_argument("--max-requests", type=int, default=1_000_000, help="a client's most requests per scenario")
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(), help="the demo store's as-of day (default today)")
    p.add_argument("--server", choices=("app", "gunicorn"), default="app",
                   help="python app.py (default, as the README deploys it) or gunicorn 'app:create_app()'")
    p.add_argument("--workers", type=int, help="server processes: DASHBOARD_WORKERS of python app.py (default: the "
                   "environment's, else one per core), gunicorn's --workers (default 2)")
    p.add_argument("--threads", type=int, help="DASHBOARD_THREADS (threads per server process); "
                   "default: the environment's, else the app's default")
    p.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import report  # bench/report.py: the machine reference and the JSON file

    report.add_option(p, "load")
    args = p.parse_args(argv)
    if args.drive:
        return driver_main()
    chosen = [s for s in SCENARIOS if not args.scenario or "all" in args.scenario or s in args.scenario or s == "floor"]
    if args.server == "gunicorn" and importlib.util.find_spec("gunicorn") is None:
        print("bench/load.py --server gunicorn: gunicorn is not installed here (pip install gunicorn): skipped")
        return 0
    if args.scale < 1 or (args.clients is not None and args.clients < 1) or min(args.staff, args.screens, args.embeds) < 0:
        p.error("--scale and --clients must be at least 1; --staff, --screens, --embeds at least 0")

    from indicators import open_store  # bench/indicators.py: seeded stores, reused

    from dashboard.demo import DemoRules
    from dashboard.settings import Settings

    def stop_on_term(_signum, _frame):
        raise KeyboardInterrupt  # as Ctrl+C: stop the driver and the server, keep the figures so far

    signal.signal(signal.SIGTERM, stop_on_term)
    store, where = open_store(args.db, DemoRules(as_of=args.as_of, scale=args.scale), reseed=False)
    db_url = store.url
    store.dispose()
    port = free_port()
    env = {**os.environ, "DASHBOARD_DATABASE_URL": db_url, "DASHBOARD_SECRET_KEY": secrets.token_hex(32),
           "HOST": HOST, "PORT": str(port), "DASHBOARD_REFRESH_SECONDS": str(args.refresh), "PYTHONPATH": str(ROOT)}
    if args.threads:
        env["DASHBOARD_THREADS"] = str(args.threads)
    if args.workers is not None and args.server == "app":
        env["DASHBOARD_WORKERS"] = str(args.workers)
    from callbacks.serving import worker_count

    threads = Settings.from_env(env).threads
    workers = worker_count(Settings.from_env(env)) if args.server == "app" else (args.workers or 2)
    served = (f"python app.py ({workers} processes × {threads} threads, "
              f"{'gunicorn' if workers > 1 else 'waitress'})" if args.server == "app"
              else f"gunicorn 'app:create_app()' ({workers} gthread workers × {threads} threads)")
    print(f"bench/load.py: {served} on {HOST}:{port}, store {where} (--db {args.db} --scale {args.scale}, as of {args.as_of}); "
          f"scenarios {', '.join(chosen)}; python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # a letter and a digit for certain: the password rule refuses a random draw of letters alone
    password, admin_password = (f"{secrets.token_urlsafe(18)}-a1" for _ in range(2))
    t0 = time.perf_counter()
    make_user(env, password)
    if "workbooks" in chosen:
        make_user(env, admin_password, ADMIN, "admin", "压测管理员")
    links = {"screen": [], "embed": []}
    if "mixed" in chosen:
        for street in SCREEN_STREETS:
            links["screen"].append(make_link(env, "--screen", *(("--street", street) if street else ())))
        for panel in EMBED_PANELS:
            links["embed"].append(make_link(env, "--panel", panel))
    print(f"user {USER} (领导){f', user {ADMIN} (管理员)' if 'workbooks' in chosen else ''} "
          f"and {len(links['screen']) + len(links['embed'])} signed links made through the CLI "
          f"in {time.perf_counter() - t0:.1f} s")
    reference = report.machine_reference()
    print(f"machine reference {reference:.2f} s (a fixed Python loop; compare runs only at similar values)")

    server = ServerProcess(args.server, env, port, workers, threads, OUT / "load-server.log")
    results: dict[str, dict] = {}
    rss_start = None
    interrupted = False
    try:
        server.start()
        rss_start = rss_mb(server.pid)
        watch = LogWatch(server.log_path)
        watch.since_last()  # the start-up's lines are not any scenario's
        print(f"server up (pid {server.pid}, RSS {_n(rss_start)} MB; its log: {server.log_path.relative_to(ROOT)})")
        common = {"port": port, "timeout": args.timeout, "max_requests": args.max_requests, "user": USER,
                  "password": password, "today": dt.date.today().isoformat(), "server_pid": server.pid,
                  "refresh": args.refresh, "think": args.think, "changes": args.changes, "warmup": args.warmup,
                  "export_same_url": args.export_same_url}
        floor_rps = None
        for name in chosen:
            seconds = args.seconds if args.seconds is not None else (MIXED_SECONDS if name == "mixed" else DEFAULT_SECONDS)
            if name == "workbooks":
                seconds = 0.0  # as long as the uploads take
            spec = {**common, "scenario": name, "seconds": seconds, "ramp": 0.0}
            if name == "workbooks":
                n = 1
                spec.update(admin=ADMIN, admin_password=admin_password, upload_timeout=max(args.timeout, 60.0))
                print(f"\nscenario workbooks: {len(WORKBOOKS)} uploads through /data, one at a time, as {ADMIN} (管理员); "
                      f"a side client GETs /api/version every {SIDE_POLL:g} s, the server's RSS read every {SIDE_POLL:g} s")
            elif name == "mixed":
                mark = args.rss_mark if args.rss_mark is not None else (60.0 if seconds >= 120 else seconds / 3)
                spec.update(staff=args.staff, screens=args.screens, embeds=args.embeds, links=links,
                            ramp=min(args.ramp, seconds / 4), rss_mark=mark)
                n = args.staff + args.screens + args.embeds
                print(f"\nscenario mixed: {args.staff} staff, {args.screens} screens, {args.embeds} embed viewers "
                      f"({n} connections), {seconds:g} s")
            else:
                n = args.clients or DEFAULT_CLIENTS["version" if name == "floor" else name]
                spec["clients"] = n
                print(f"\nscenario {name}: {n} clients, {seconds:g} s"
                      + (" (GET /healthz, the floor: a bare endpoint on the same server, measured the same way)"
                         if name == "floor" else ""))
            allowance = args.warmup + seconds + 2 * args.timeout + max(120.0, 2.0 * n) + 120
            if name == "workbooks":
                allowance += 2 * len(WORKBOOKS) * spec["upload_timeout"]
            results[name] = run_driver(spec, allowance)
            results[name]["server_log"] = watch.since_last()
            print_scenario(results[name], floor_rps if name != "floor" else None)
            if name == "floor" and "setup_error" not in results[name]:
                floor_rps = results[name]["kinds"].get("GET /healthz", {}).get("req_per_s")
            time.sleep(1)  # let the server finish what the last clients left
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted: stopping the server; the figures so far follow")
    except subprocess.TimeoutExpired as exc:
        print(f"\nthe driver did not finish within {exc.timeout:.0f} s: stopped")
    except RuntimeError as exc:
        print(f"\nbench/load.py: {exc}")
        return 2
    finally:
        rss_last = rss_mb(server.pid) if server.proc is not None and server.proc.poll() is None else None
        server.stop()
    after = report.machine_reference()

    # everything next to the floor, then the targets
    floor = results.get("floor", {}).get("kinds", {}).get("GET /healthz")
    print(f"\nsummary (server {served}; RSS at start {_n(rss_start)} MB, before the stop {_n(rss_last)} MB)")
    print(HEAD)
    for name, r in results.items():
        for kind, k in r.get("kinds", {}).items():
            print(kind_line(f"{kind}" if name != "mixed" else f"mixed: {kind}", k, r["rss_mb_end"],
                            None if name in ("floor", "mixed") or not floor else floor["req_per_s"]))
    if results.get("workbooks", {}).get("workbooks"):
        print(WORKBOOK_HEAD)
        for w in results["workbooks"]["workbooks"]:
            print(workbook_line(w))
    mixed_counts = {"staff": args.staff, "screens": args.screens, "embeds": args.embeds}
    targets = judge(results, mixed_counts)
    if targets:
        print("\ntargets")
        for t in targets:
            mark = {"met": "met", "missed": "<<< MISSED", "not judged": "not judged"}[t["status"]]
            note = f" ({t['note']})" if t["note"] else ""
            print(f"  {t['target']:<66} {t['measured']}   {mark}{note}")
    print(f"machine reference   {reference:.2f} s before, {after:.2f} s after (a fixed Python loop; compare runs only at similar values)")
    report.write("load", {
        "server": args.server, "served": served, "threads": threads, "workers": workers,
        "db": args.db, "scale": args.scale, "as_of": args.as_of.isoformat(), "store": where,
        "interrupted": interrupted, "rss_mb_start": rss_start, "rss_mb_before_stop": rss_last,
        "scenarios": results, "targets": targets,
    }, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
