"""The app's HTTP rules: framing, health, caching, compression."""
from __future__ import annotations

import pytest

from dashboard.settings import Settings
from tests.acting import client_as


@pytest.fixture
def client(report_store):
    from app import create_app

    app = create_app(Settings(database_url=report_store.url, embed_origins=("https://oa.zhangqiu.example",)),
                     store=report_store)
    return client_as(app, report_store)


def test_pages_may_not_be_framed_by_other_sites(client):
    r = client.get("/")
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


def test_embed_pages_may_be_framed_by_the_configured_origins(client):
    r = client.get("/embed/map")
    assert "X-Frame-Options" not in r.headers
    assert r.headers["Content-Security-Policy"].endswith("frame-ancestors 'self' https://oa.zhangqiu.example")


def test_version_and_health(client):
    v = client.get("/api/version").get_json()
    assert v["ok"] is True and isinstance(v["version"], int)
    assert client.get("/healthz").data == b"ok"


def test_static_bundles_are_compressed_and_cached_for_long(client):
    r = client.get("/assets/vendor/plotly-zq.min.js?m=1", headers={"Accept-Encoding": "gzip"})
    assert r.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in r.headers["Cache-Control"]
    assert len(r.data) < 500_000  # 1.1 MB raw


def test_the_favicon_is_cached_for_long(client):
    assert "max-age=31536000" in client.get("/_favicon.ico?v=4.4.1").headers["Cache-Control"]


def test_the_page_declares_its_language(client):
    assert b'<html lang="zh-CN">' in client.get("/").data


def test_the_page_skips_the_old_browser_polyfill_but_keeps_dashs_async_runtime(client):
    """@babel/polyfill slows today's browsers (~0.2 s of every first render); Dash's lazy
    components still need ``regeneratorRuntime``, from our own asset, before dash-renderer."""
    import re

    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script defer src="([^"]+)"', page)
    assert scripts and not re.findall(r'<script src=', page)  # every bundle waits for the page's HTML (app.py)
    assert not [s for s in scripts if "polyfill" in s or "dash_table" in s]
    runtime = next(i for i, s in enumerate(scripts) if "regenerator-runtime" in s)
    assert runtime < next(i for i, s in enumerate(scripts) if "dash_renderer" in s)
    assert client.get(scripts[runtime]).status_code == 200


def test_versioned_bundles_are_gzipped_once_and_served_from_memory(client):
    """plotly.js took ~50 ms of server CPU to compress on every request of a first visit."""
    import gzip

    from dashboard.settings import PROJECT_ROOT

    hook = client.application.extensions["gzip_bundles"]
    url = "/assets/vendor/plotly-zq.min.js?m=42"
    before = hook.compressions
    first = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    again = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert hook.compressions == before + 1
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "gzip"
    assert first.data == again.data
    assert gzip.decompress(again.data) == (PROJECT_ROOT / "assets/vendor/plotly-zq.min.js").read_bytes()
    assert "Accept-Encoding" in again.headers["Vary"]
    # a browser that takes no gzip gets the file as it is
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and len(plain.data) > 1_000_000
    # an unversioned URL may change under the same name: not kept
    client.get("/assets/vendor/plotly-zq.min.js", headers={"Accept-Encoding": "gzip"})
    assert hook.compressions == before + 1


@pytest.mark.parametrize("path, words", [
    ("/?as_of=0001-01-01", "截至日 0001-01-01 须在 2013-01-01 至今天"),
    ("/?as_of=9999-12-31", "截至日 9999-12-31 须在"),
    ("/?period=custom&from=2001-01-01&to=2020-01-01", "起始日 2001-01-01 须在"),
    ("/screen?refresh_seconds=1", "screen-canvas"),
    ("/embed/map?panel_id=x", "阵地分布图"),
])
def test_odd_query_parameters_get_the_pages_own_message_never_a_500(client, path, words):
    import json

    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    assert r.status_code == 200
    assert words in json.dumps(r.get_json(), ensure_ascii=False)


def test_exports_beyond_the_queue_are_refused_at_once_with_retry_after():
    import threading
    import time

    from callbacks.routes import ExportGate

    gate = ExportGate(running=1, waiting=1, patience=0.5)
    assert gate.admit()                      # rendering
    waiter = threading.Thread(target=lambda: gate.admit() and gate.release())
    waiter.start()                           # in line
    time.sleep(0.05)
    started = time.perf_counter()
    assert gate.admit() is False             # beyond the line: refused at once
    assert time.perf_counter() - started < 0.1
    gate.release()
    waiter.join(2)
    assert gate.admit()                      # room again
    gate.release()


def test_while_the_export_line_is_full_images_and_briefings_are_refused_before_the_app_runs():
    """In front of Flask: no session, no login check; the other routes reach the app as before."""
    from werkzeug.test import Client
    from werkzeug.wrappers import Response as WResponse

    from callbacks.routes import ExportGate, refuse_when_full

    reached = []

    def inner(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return WResponse("app")(environ, start_response)

    gate = ExportGate(running=1, waiting=0)
    client = Client(refuse_when_full(inner, gate))
    assert client.get("/export/map.png").get_data(as_text=True) == "app"  # room: the app answers
    assert gate.admit()                                                   # one rendering: the line is full
    for path in ("/export/map.png?as_of=2020-07-01", "/briefing?street=明水街道"):
        r = client.get(path)
        assert r.status_code == 503 and r.get_data(as_text=True).startswith("导出繁忙")
        assert 3 <= int(r.headers["Retry-After"]) <= 7 and r.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in r.headers
    assert client.get("/api/version").get_data(as_text=True) == "app"
    assert client.get("/briefing/archive/3").get_data(as_text=True) == "app"  # made files: not in the line
    gate.release()
    assert client.get("/briefing").get_data(as_text=True) == "app"
    assert reached == ["/export/map.png", "/api/version", "/briefing/archive/3", "/briefing"]


def test_health_checks_the_store_and_says_when_the_shared_cache_is_down(report_store):
    from app import create_app

    app = create_app(Settings(database_url=report_store.url, cache_url="redis://127.0.0.1:1/0"), store=report_store)
    r = app.server.test_client().get("/healthz")
    assert r.status_code == 200 and r.get_data(as_text=True).startswith("degraded: shared cache")


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(report_store):
    from app import create_app

    app = create_app(Settings(database_url=report_store.url, request_max_mb=1), store=report_store)
    r = client_as(app, report_store).post("/_dash-update-component", data=b"x" * (1024 * 1024 + 1),
                                         headers={"Origin": "http://localhost", "Content-Type": "application/json"})
    assert r.status_code == 413
