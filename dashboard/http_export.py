"""HTTP routes for image export and the briefing page.

    GET /export/<panel-id>.png|svg?<filters>&width=&height=&scale=&preset=slide|a4&theme=light|dark
    GET /briefing?<filters>&charts=<panel-id>,<panel-id>,…

Bad panel ids and parameters answer 400 with the reason in Chinese (text/plain); a machine
that cannot render correctly (no Chromium, no CJK font) answers 503; never a bare 500.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, request

from dashboard import export
from dashboard.indicators import FilterError
from dashboard.query import parse_query, resolve
from dashboard.service import DataService

log = logging.getLogger("dashboard.export")
MIME = {"png": "image/png", "svg": "image/svg+xml"}


def _text(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain", content_type="text/plain; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def _filter(svc: DataService):
    args = parse_query(request.query_string.decode("utf-8", "replace"))
    with svc.store.engine.connect() as conn:
        return resolve(conn, args)


def register(server: Flask, get_service: Callable[[], DataService]) -> None:
    """Add ``/export/<panel-id>.<fmt>`` and ``/briefing`` to the Flask server.
    ``get_service`` is called per request (inside the app context). Calling it twice on one
    server does nothing the second time."""
    if "export_image" in server.view_functions:
        return

    @server.route("/export/<path:name>")
    def export_image(name: str) -> Response:
        panel_id, dot, fmt = name.rpartition(".")
        try:
            if not dot:
                raise export.ExportError(f"请求的地址须为 /export/<面板编号>.png 或 .svg,收到“{name}”")
            export.check_panel(panel_id)
            fmt = export.check_format(fmt)
            theme = export.check_theme(request.args.get("theme"))
            size = export.size_for(request.args.get("preset"), request.args.get("width"),
                                   request.args.get("height"), request.args.get("scale"))
            svc = get_service()
            f = _filter(svc)
            fig = export.export_figure(panel_id, svc, f, None, theme, size)
            data = export.render(fig, fmt, size.width, size.height, size.scale)
        except (export.ExportError, FilterError) as exc:
            return _text(str(exc), 400)
        except export.RenderUnavailable as exc:
            log.error("export unavailable: %s", exc)
            return _text(str(exc), 503)
        except Exception:
            log.exception("export of %s failed", name)
            return _text("导出失败:渲染图片时出错,请稍后再试", 503)
        return Response(data, mimetype=MIME[fmt], headers={
            "Content-Disposition": export.content_disposition(panel_id, f, fmt),
            "Cache-Control": "private, max-age=60",
        })

    @server.route("/briefing")
    def briefing_page() -> Response:
        from dashboard import briefing

        try:
            charts = briefing.parse_charts(request.args.getlist("charts") or None)
            svc = get_service()
            f = _filter(svc)
            page = briefing.build_html(svc, f, charts)
        except (briefing.BriefingError, export.ExportError, FilterError) as exc:
            return _text(str(exc), 400)
        except export.RenderUnavailable as exc:
            log.error("briefing unavailable: %s", exc)
            return _text(str(exc), 503)
        except Exception:
            log.exception("briefing failed")
            return _text("简报生成失败,请稍后再试", 503)
        return Response(page, mimetype="text/html", content_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=60"})
