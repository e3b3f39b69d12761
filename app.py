"""章丘区委老干部局党建看板: creates the app, registers its pages and callbacks, and serves it.

``python app.py`` creates and seeds the store on first start (demo data), then serves on
127.0.0.1:8050 (``HOST``/``PORT`` override). Settings: see ``dashboard/settings.py``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from urllib.parse import urlsplit

from dash import Dash, Input, Output, State, dcc, html
from flask import Flask, Response, g, has_request_context, request

import callbacks.embed
import callbacks.screen  # noqa: F401  (registers the big screen's callbacks)
from callbacks.context import EXTENSION, Runtime
from callbacks.data import data_page  # the /data page (台账导入)
from callbacks.data import register_routes as register_data_routes
from callbacks.overview import overview_content  # importing registers the page's callbacks
from dashboard.demo import DemoRules, seed
from dashboard.http_bundles import register as register_gzip_bundles
from dashboard.http_export import register as register_export
from dashboard.query import parse_qs_kwargs
from dashboard.service import DataService
from dashboard.settings import PROJECT_ROOT, Settings
from dashboard.store import Store
from layouts import embed, overview, screen

log = logging.getLogger("dashboard")

ROUTER_LOCATION = "router-location"
ROUTER_CONTENT = "router-content"

# The two preloads ask for the page's layout and callbacks from the head, while the scripts
# load; Dash's renderer later asks for the same URLs (GET, same-origin credentials) and the
# browser hands it these responses, so the layout does not wait for the scripts to run.
INDEX = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
{%metas%}
<link rel="preload" href="/_dash-layout" as="fetch" crossorigin="anonymous">
<link rel="preload" href="/_dash-dependencies" as="fetch" crossorigin="anonymous">
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>"""


# Scripts Dash puts on every page that this app does without:
# - @babel/polyfill (core-js 2), for browsers older than any that React 18 and plotly.js 4 run
#   in. In today's Chromium it costs ~0.2 s of the first render and replaces native methods
#   (String.prototype.trim, typed-array helpers) with slower ones that plotly then calls on
#   every draw. Dash's own code needs only its regenerator runtime, which
#   assets/vendor/regenerator-runtime.min.js provides.
# - dash_table's loader: no page has a DataTable.
UNUSED_SCRIPTS = re.compile(r'<script src="[^"]*/(?:deps/polyfill@|dash_table/bundle\.)[^"]*"></script>\n?')


class DashboardDash(Dash):
    def interpolate_index(self, **kwargs: str) -> str:
        kwargs["scripts"] = UNUSED_SCRIPTS.sub("", kwargs.get("scripts", ""))
        return super().interpolate_index(**kwargs)


def not_found(path: str) -> html.Div:
    return html.Div([html.H1("页面不存在"), html.P(f"没有“{path}”这个页面。"), dcc.Link("返回总览", href="/")],
                    className="not-found")


def open_store(settings: Settings) -> Store:
    """Open the configured store, migrate it, and fill it with demo data if it is empty."""
    store = Store(settings.database_url)
    store.migrate()
    if store.is_empty():
        log.warning("store is empty: seeding demo data (python -m dashboard seed-demo)")
        seed(store, DemoRules(as_of=dt.date.today()))
    return store


def create_app(settings: Settings | None = None, store: Store | None = None) -> Dash:
    settings = settings or Settings.from_env()
    store = store or open_store(settings)
    server = Flask(__name__)
    # zstd or brotli where the browser takes them (Chrome sends br only over https), gzip otherwise;
    # static files are streamed, so the streaming list matters most
    server.config.update(COMPRESS_ALGORITHM=["zstd", "br", "gzip"],
                         COMPRESS_ALGORITHM_STREAMING=["zstd", "br", "gzip", "deflate"])
    app = DashboardDash(
        __name__,
        server=server,
        title="章丘区委老干部局党建看板",
        assets_folder=str(PROJECT_ROOT / "assets"),
        serve_locally=True,
        compress=True,
        update_title=None,
        suppress_callback_exceptions=True,
        # one plotly.js bundle: the small one, or the one with MapLibre when tiles are configured
        assets_ignore=r"plotly-zq\.min\.js$" if settings.map_tiles else r"plotly-zq-map\.min\.js$",
    )
    app.index_string = INDEX
    app.server.extensions[EXTENSION] = Runtime(settings=settings, service=DataService(store, settings.cache_url))

    def overview_page(search: str = "") -> html.Div:
        version = version_record()
        content = overview_content(search, version)
        return overview.layout(refresh_seconds=settings.refresh_seconds, content=content, search=search)

    def version_record() -> dict | None:
        try:
            v = store.version()
        except Exception:  # noqa: BLE001 - the page's own poll reports it
            return None
        return v.record()

    pages = {
        "/data": data_page,
        "/screen": lambda **q: screen.layout(refresh_seconds=settings.refresh_seconds, **q),
    }
    def page_for(path: str, search: str):
        if path.startswith("/embed/"):
            return embed.layout(path.removeprefix("/embed/"), settings.refresh_seconds, **parse_qs_kwargs(search))
        if path == "/":
            return overview_page(f"?{search.lstrip('?')}" if search and search.lstrip("?") else "")
        page = pages.get(path)
        return page(**parse_qs_kwargs(search)) if page else not_found(path)

    def serve_layout() -> html.Div:
        """The page comes with the layout itself (its URL is the layout request's referrer),
        which saves the browser a round trip before anything can be drawn."""
        content, path = None, None
        if has_request_context() and request.referrer:
            url = urlsplit(request.referrer)
            path = url.path or "/"
            content = page_for(path, url.query)
        # the path given: the router's URL component has nothing to announce, so no callback runs
        return html.Div([dcc.Location(id=ROUTER_LOCATION, pathname=path), html.Div(content, id=ROUTER_CONTENT)])

    app.layout = serve_layout

    @app.callback(Output(ROUTER_CONTENT, "children"), Input(ROUTER_LOCATION, "pathname"),
                  State(ROUTER_LOCATION, "search"), prevent_initial_call=True)
    def route(pathname, search):
        """Only when the layout could not tell the page (no referrer): then the router's URL
        component starts without a path and announces it. Links between pages are plain
        links, so each page load brings its page with the layout, and filter changes (the
        query string) never rebuild a page. (The page's content is not sent back as State:
        that would post the whole page, figures and all, on every load.)"""
        return page_for(pathname or "/", search)

    _add_http_rules(app, settings)
    return app


def _add_http_rules(app: Dash, settings: Settings) -> None:
    server = app.server
    register_gzip_bundles(server)
    register_data_routes(server)  # /data/template.xlsx, /data/export.xlsx

    @server.route("/_glyphs/<path:fontstack>/<glyph_range>.pbf")
    def glyphs(fontstack: str, glyph_range: str) -> Response:  # noqa: ARG001
        """An empty glyph set: the map's labels are Chinese, which the browser draws itself."""
        return Response(b"", mimetype="application/x-protobuf", headers={"Cache-Control": "public, max-age=86400"})

    register_export(server, lambda: server.extensions[EXTENSION].service)

    @server.route("/api/version")
    def version() -> Response:
        """The cheap change check for the big screen; 503 while the store cannot be read."""
        store = server.extensions[EXTENSION].service.store
        try:
            v = store.version()
        except Exception:  # noqa: BLE001
            return Response('{"ok": false}', status=503, mimetype="application/json")
        body = v.record()
        return Response(json.dumps(body), mimetype="application/json", headers={"Cache-Control": "no-store"})

    @server.route("/healthz")
    def health() -> Response:
        store = server.extensions[EXTENSION].service.store
        try:
            store.ping()
        except Exception:  # noqa: BLE001
            return Response("store unreachable", status=503)
        return Response("ok")

    @server.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @server.after_request
    def headers(response: Response) -> Response:
        path = request.path
        if "started" in g:
            # the server's own time, for the browser's devtools and bench/page.py
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.1f}"
        if path.startswith("/embed/"):
            origins = " ".join(settings.embed_origins) or "'self'"
            response.headers["Content-Security-Policy"] = f"frame-ancestors 'self' {origins}".replace("'self' 'self'", "'self'")
        else:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
            response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        # assets carry their modification time (?m=…) and the favicon Dash's version (?v=…): safe
        # to cache for a year (the browser asked for the favicon again at every filter change)
        versioned = (path.startswith("/assets/") and request.args.get("m")) or (path == "/_favicon.ico" and request.args.get("v"))
        if versioned and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = Settings.from_env()
    app = create_app(settings)
    app.run(host=settings.host, port=settings.port, debug=False)


if __name__ == "__main__":
    main()
