"""章丘区委老干部局党建看板: creates the app, registers its pages and callbacks, and serves it.

``python app.py`` creates and seeds the store on first start (demo data), then serves on
127.0.0.1:8050 (``HOST``/``PORT`` override). Settings: see ``dashboard/settings.py``.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from dash import Dash, Input, Output, State, dcc, html
from flask import Flask, has_request_context, request
from sqlalchemy.exc import IntegrityError

from callbacks import auth, embed, ledger, overview, response_cache, routes, screen
from callbacks.context import EXTENSION, Runtime
from callbacks.pages import first_paint, page_for
from callbacks.serving import serve
from dashboard import access, export
from dashboard.access import users
from dashboard.demo import DemoRules, seed
from dashboard.service import DataService
from dashboard.settings import DATA_DIR, PROJECT_ROOT, Settings
from dashboard.store import Store

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


# The scripts wait (defer) until the page's HTML has been read, so the browser paints the first
# response's numbers (callbacks.pages.first_paint) before it runs ~1 MB of JavaScript; the
# renderer starts once they have run. Dash hashes this inline script for the CSP itself.
DEFERRED = re.compile(r'<script src="')


def deferred_start(renderer: str) -> str:
    """Dash's renderer start (``var renderer = new DashRenderer(…);``), once the deferred scripts ran."""
    return f"document.addEventListener('DOMContentLoaded',function(){{window.{renderer.removeprefix('var ')}}});"


class DashboardDash(Dash):
    def interpolate_index(self, **kwargs: str) -> str:
        kwargs["scripts"] = DEFERRED.sub('<script defer src="', UNUSED_SCRIPTS.sub("", kwargs.get("scripts", "")))
        if has_request_context():
            # numbers before scripts: the page's content as HTML ahead of the app's entry point
            kwargs["app_entry"] = first_paint(request.path, request.query_string.decode("utf-8", "replace")) + \
                kwargs.get("app_entry", "")
        return super().interpolate_index(**kwargs)


INITIAL_PASSWORD_FILE = DATA_DIR / "initial-admin-password.txt"


def open_store(settings: Settings) -> Store:
    """Open the configured store, migrate it, fill it with demo data if it is empty, and make
    the first 管理员 if it has no users."""
    store = Store(settings.database_url)
    store.migrate()
    if store.is_empty():
        log.warning("store is empty: seeding demo data (python -m dashboard seed-demo)")
        seed(store, DemoRules(as_of=dt.date.today()))
    first_admin(store)
    return store


def first_admin(store: Store, path: Path = INITIAL_PASSWORD_FILE) -> str | None:
    """On a store without users: one 管理员 ``admin`` with a random one-time password, printed
    once and written to ``path`` (readable by its owner only); it must be changed at first login."""
    if users.has_users(store):
        return None
    password = users.one_time_password()
    try:
        users.add_user(store, "admin", password, "admin", display_name="管理员", must_change=True)
    except (users.UserError, IntegrityError):  # another worker process made it first
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"用户名: admin\n初始密码: {password}\n首次登录后须修改密码;改好后请删除本文件。\n")
    print(f"\n  首次启动:已创建管理员 admin,初始密码 {password}\n  (也写在 {path},首次登录后须修改)\n", flush=True)
    return password


def create_app(settings: Settings | None = None, store: Store | None = None) -> Dash:
    settings = settings or Settings.from_env()
    store = store or open_store(settings)
    server = Flask(__name__)
    # zstd or brotli where the browser takes them (Chrome sends br only over https), gzip otherwise;
    # static files are streamed, so the streaming list matters most
    server.config.update(COMPRESS_ALGORITHM=["zstd", "br", "gzip"],
                         COMPRESS_ALGORITHM_STREAMING=["zstd", "br", "gzip", "deflate"],
                         # a larger body is refused (413) before it is read, whatever server runs the app
                         MAX_CONTENT_LENGTH=settings.request_max_mb * 1024 * 1024)
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
    app.renderer = deferred_start(app.renderer)
    secret = access.secret_key(settings.secret_key)
    app.server.extensions[EXTENSION] = Runtime(settings=settings, service=DataService.configured(store, settings),
                                               secret=secret)
    export.configure(settings)
    auth.register(app.server, store, settings, secret)
    response_cache.register(app.server, response_cache.SizedLRU(settings.cache_bytes_each))

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
    for module in (overview, screen, embed, ledger):
        module.callbacks.register(app)

    @app.callback(Output(ROUTER_CONTENT, "children"), Input(ROUTER_LOCATION, "pathname"),
                  State(ROUTER_LOCATION, "search"), prevent_initial_call=True)
    def route(pathname, search):
        """Only when the layout could not tell the page (no referrer): then the router's URL
        component starts without a path and announces it. Links between pages are plain
        links, so each page load brings its page with the layout, and filter changes (the
        query string) never rebuild a page. (The page's content is not sent back as State:
        that would post the whole page, figures and all, on every load.)"""
        return page_for(pathname or "/", search)

    routes.register(app.server, app.csp_hashes())
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    open_store(settings).dispose()  # the first start's demo data and 管理员, once, before any worker starts
    serve(lambda: create_app(settings), settings)


if __name__ == "__main__":
    main()
