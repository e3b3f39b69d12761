"""Every HTTP route beside Dash's own, registered in one place by :func:`register`:

    GET /export/<panel-id>.png|svg?<filters>&width=&height=&scale=&preset=slide|a4&theme=light|dark
    GET /briefing?<filters>&charts=<panel-id>,<panel-id>,…
    GET /data/template.xlsx, /data/export.xlsx     the ledger template and the store as a workbook
    GET /api/version, /healthz                     the cheap change check; the health check
    GET /_glyphs/…                                 an empty glyph set for the tiled map

and the response headers of every route (framing, caching of versioned bundles, timing).
Bad parameters answer 400 with the reason in Chinese; a machine that cannot render answers 503.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import random
import threading
import time
from urllib.parse import quote, urlsplit

from flask import Flask, Response, g, request, send_file

from callbacks import briefing_archive, bundles, records
from callbacks.auth import client_address
from callbacks.context import EXTENSION, Runtime, asked_filter, principal
from callbacks.response_cache import SizedLRU
from dashboard import briefing, export
from dashboard.access import STAFF, Forbidden, audit
from dashboard.indicators import FilterError
from dashboard.ledger import build_template, export_workbook, parse_year
from layouts import ledger_ids

log = logging.getLogger("dashboard.routes")
IMAGE_MIME = {"png": "image/png", "svg": "image/svg+xml"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", content_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def _xlsx(content: bytes, name: str, ascii_name: str) -> Response:
    """An attachment with the Chinese file name, and a plain one for clients that lack RFC 5987."""
    response = send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)
    response.headers["Content-Disposition"] = f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name)}'
    response.headers["Cache-Control"] = "no-store"
    return response


class ExportGate:
    """At most ``running`` renders at once and ``waiting`` more in line; anyone beyond is told to
    come back (503 with Retry-After) at once, and nobody waits longer than ``patience`` seconds."""

    def __init__(self, running: int, waiting: int, patience: float = 15.0):
        self._slots = threading.BoundedSemaphore(running)
        self._lock = threading.Lock()
        self._admitted, self.limit, self.patience = 0, running + waiting, patience

    def admit(self) -> bool:
        """True once a render may start (call release() after it); False: refuse it now."""
        with self._lock:
            if self._admitted >= self.limit:
                return False
            self._admitted += 1
        if self._slots.acquire(timeout=self.patience):
            return True
        with self._lock:
            self._admitted -= 1
        return False

    def full(self) -> bool:
        """Already as many in line as may be: a refusal costs nothing more than this look."""
        with self._lock:
            return self._admitted >= self.limit

    def release(self) -> None:
        self._slots.release()
        with self._lock:
            self._admitted -= 1


BUSY = "导出繁忙,请稍后再试。\n"


def gated(path: str) -> bool:
    """What goes through the export queue: images and the briefing page (not the briefing
    archive under /briefing/archive, whose files are already made)."""
    return path.startswith("/export/") or path == "/briefing"


def retry_after() -> str:
    """3 to 7 seconds: those refused together do not all come back in the same instant."""
    return str(random.randint(3, 7))


def busy() -> Response:
    return Response(BUSY, status=503, content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": retry_after(), "Cache-Control": "no-store"})


def refuse_when_full(wsgi_app, gate: ExportGate):
    """The WSGI app in front of Flask: while the export line is full, an image or briefing request
    is refused before anything else runs (no session, no login check, no request object). Refusals
    come in bursts and share a few free threads with the renders; each must take microseconds,
    not the milliseconds of a request."""
    body = BUSY.encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
               ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")]

    def app(environ, start_response):
        if gated(environ.get("PATH_INFO", "")) and gate.full():
            start_response("503 SERVICE UNAVAILABLE", [*headers, ("Retry-After", retry_after())])
            return [body]
        return wsgi_app(environ, start_response)
    return app


def content_security_policy(script_hashes: list[str], tiles: str | None, frame_ancestors: str) -> str:
    """Only the app's own scripts (Dash's inline ones by hash), styles, images and connections;
    the map's tile server when one is configured."""
    tile_origin = ""
    if tiles:
        parts = urlsplit(tiles.replace("{", "").replace("}", ""))
        tile_origin = f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return "; ".join([
        "default-src 'self'", f"script-src 'self' {' '.join(script_hashes)}".rstrip(),
        "style-src 'self' 'unsafe-inline'", f"img-src 'self' data: blob:{tile_origin}", "font-src 'self' data:",
        f"connect-src 'self'{tile_origin}", "worker-src 'self' blob:", "child-src 'self' blob:", "object-src 'none'",
        "base-uri 'none'", "form-action 'self'", f"frame-ancestors {frame_ancestors}",
    ])


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # the layout request's referrer names the page (same origin only); nothing goes to other sites
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(server: Flask, script_hashes: list[str] | None = None) -> None:
    """Add the routes and the header hooks. The app's :class:`Runtime` is in ``server.extensions``;
    ``script_hashes`` are Dash's inline scripts' CSP hashes (``Dash.csp_hashes()``)."""
    def runtime() -> Runtime:
        return server.extensions[EXTENSION]

    settings = runtime().settings
    # the same for every response of this app: built once, not per request
    hashes = list(script_hashes or [])
    page_policy = content_security_policy(hashes, settings.map_tiles, "'self'")
    embed_policy = content_security_policy(hashes, settings.map_tiles,
                                           " ".join(dict.fromkeys(["'self'", *settings.embed_origins])))

    def request_filter(svc):
        return asked_filter(svc, request.query_string.decode("utf-8", "replace"))

    bundles.register(server)
    briefing_archive.register(server, runtime)
    gate = ExportGate(running=settings.export_tabs + 1, waiting=4 * settings.export_tabs)
    server.wsgi_app = refuse_when_full(server.wsgi_app, gate)

    images = SizedLRU(settings.cache_bytes_each)  # exported images by (panel, format, theme, size, filter, store version)

    @server.route("/export/<path:name>")
    def export_image(name: str) -> Response:
        """Checked and resolved first (cheap); an image already made for the same panel, filter,
        size and store version comes from memory; a new one waits its turn at the gate."""
        if gate.full():  # overloaded: refuse at once, before any work (even a cached image)
            return busy()
        panel_id, dot, fmt = name.rpartition(".")
        try:
            if not dot:
                raise export.ExportError(f"请求的地址须为 /export/<面板编号>.png 或 .svg,收到“{name}”")
            export.check_panel(panel_id)
            fmt = export.check_format(fmt)
            theme = export.check_theme(request.args.get("theme"))
            size = export.size_for(request.args.get("preset"), request.args.get("width"),
                                   request.args.get("height"), request.args.get("scale"))
            svc = runtime().service
            f = request_filter(svc)
            version = svc.version().version
        except (export.ExportError, FilterError) as exc:
            return _text(str(exc), 400)
        headers = {"Content-Disposition": export.content_disposition(panel_id, f, fmt),
                   "Cache-Control": "private, max-age=60"}
        key = repr((panel_id, fmt, theme, size, f, version))
        data = images.get(key)
        if data is None:
            if not gate.admit():
                return busy()
            try:
                fig = export.export_figure(panel_id, svc, f, version, theme, size)
                data = export.render(fig, fmt, size.width, size.height, size.scale)
            except export.RenderUnavailable as exc:
                log.error("export unavailable: %s", exc)
                return _text(str(exc), 503)
            except Exception:
                log.exception("export of %s failed", name)
                return _text("导出失败:渲染图片时出错,请稍后再试", 503)
            finally:
                gate.release()
            images.put(key, data, len(data))
        return Response(data, mimetype=IMAGE_MIME[fmt], headers=headers)

    @server.route("/briefing")
    def briefing_page() -> Response:
        if not gate.admit():
            return busy()
        try:
            return _briefing_page()
        finally:
            gate.release()

    def _briefing_page() -> Response:
        try:
            charts = briefing.parse_charts(request.args.getlist("charts") or None)
            svc = runtime().service
            page = briefing.build_html(svc, request_filter(svc), charts,
                                       screen_extra=briefing_archive.latest_block(svc.store, principal()))
        except (briefing.BriefingError, export.ExportError, FilterError) as exc:
            return _text(str(exc), 400)
        except export.RenderUnavailable as exc:
            log.error("briefing unavailable: %s", exc)
            return _text(str(exc), 503)
        except Exception:
            log.exception("briefing failed")
            return _text("简报生成失败,请稍后再试", 503)
        return Response(page, mimetype="text/html", content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-store"})

    @server.route(f"{records.DOWNLOAD_PATH}<kind>.xlsx")
    def records_download(kind: str) -> Response:
        query = request.query_string.decode("utf-8", "replace")
        try:
            content = records.records_workbook(kind, query)
        except Forbidden as exc:
            return _text(str(exc), 403)
        except FilterError as exc:  # as for images and briefings: a wrong or out-of-scope filter
            return _text(str(exc), 400)
        audit.record(runtime().service.store, "export-records", principal().name, client_address(), kind=kind,
                     query=query[:500])
        stamp = f"{dt.datetime.now():%Y%m%d-%H%M}"
        return _xlsx(content, f"章丘区委老干部局明细-{kind}-{stamp}.xlsx", f"zhangqiu-records-{kind}-{stamp}.xlsx")

    @server.route(ledger_ids.TEMPLATE_URL)
    def ledger_template() -> Response:
        return _xlsx(build_template(), "章丘区委老干部局台账模板.xlsx", "zhangqiu-ledger-template.xlsx")

    @server.route(ledger_ids.EXPORT_URL)
    def ledger_export() -> Response:
        p = principal()
        scope = {"streets": p.streets} if p.role == STAFF else {}
        try:
            year = parse_year(request.args.get("year"))
        except ValueError as exc:
            return _text(str(exc), 400)
        try:
            content = export_workbook(runtime().service.store, year=year, **scope)
        except Exception:
            log.exception("export failed")
            return Response("无法读取看板数据库,导出失败,请稍后重试。", status=503, mimetype="text/plain; charset=utf-8")
        audit.record(runtime().service.store, "export-data", p.name, client_address(), **scope,
                     **({"year": year} if year else {}))
        stamp = f"{dt.datetime.now():%Y%m%d-%H%M}"
        part = f"{year}年-" if year else ""
        return _xlsx(content, f"章丘区委老干部局台账导出-{part}{stamp}.xlsx",
                     f"zhangqiu-ledger-export-{year or 'all'}-{stamp}.xlsx")

    @server.route("/_glyphs/<path:fontstack>/<glyph_range>.pbf")
    def glyphs(fontstack: str, glyph_range: str) -> Response:  # noqa: ARG001 - the route's parts name the glyphs asked for
        """An empty glyph set: the map's labels are Chinese, which the browser draws itself."""
        return Response(b"", mimetype="application/x-protobuf", headers={"Cache-Control": "public, max-age=86400"})

    @server.route("/api/version")
    def version() -> Response:
        """The cheap change check for the big screen; 503 while the store cannot be read."""
        try:
            v = runtime().service.store.version()
        except Exception:  # noqa: BLE001 - any store failure means "unreachable" to the screen
            return Response('{"ok": false}', status=503, mimetype="application/json")
        return Response(json.dumps(v.record()), mimetype="application/json", headers={"Cache-Control": "no-store"})

    @server.route("/healthz")
    def health() -> Response:
        """``ok``; ``degraded: …`` (200) while the shared cache is down and pages run without it;
        503 while the store cannot answer a real query."""
        service = runtime().service
        try:
            service.store.ping()
        except Exception:  # noqa: BLE001 - any store failure means "unhealthy"
            return Response("store unreachable", status=503, headers={"Cache-Control": "no-store"})
        problem = service.health()
        return Response(f"degraded: {problem}" if problem else "ok", headers={"Cache-Control": "no-store"})

    @server.errorhandler(404)
    def not_found(_exc) -> Response:
        return _text("没有这个地址。", 404)

    @server.errorhandler(500)
    def server_error(_exc) -> Response:
        # the trace goes to the log (Flask logs it); the user gets a sentence
        return _text("服务器出错,请稍后再试;如仍不行,请联系管理员。", 500)

    from dash.exceptions import DependencyException

    @server.errorhandler(DependencyException)
    def unknown_bundle(_exc) -> Response:
        return _text("没有这个文件。", 404)

    @server.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @server.after_request
    def headers(response: Response) -> Response:
        path = request.path
        if "started" in g:
            # the server's own time, for the browser's devtools and bench/page.py
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.1f}"
        if path.startswith(("/embed/", "/records/")):  # panels and 明细 lists may be framed in briefings
            response.headers["Content-Security-Policy"] = embed_policy
        else:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
            response.headers["Content-Security-Policy"] = page_policy
        response.headers.update(SECURITY_HEADERS)
        if settings.https:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # pages, layouts and callback answers hold named data: not kept by the browser (a shared PC)
        if "Cache-Control" not in response.headers and response.mimetype in ("text/html", "application/json"):
            response.headers["Cache-Control"] = "no-store"
        # assets carry their modification time (?m=…) and the favicon Dash's version (?v=…): safe
        # to cache for a year (the browser asked for the favicon again at every filter change)
        versioned = (path.startswith("/assets/") and request.args.get("m")) or (path == "/_favicon.ico" and request.args.get("v"))
        if versioned and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
